package io.jenkins.plugins.bluegreen.kubesim;

import java.nio.charset.StandardCharsets;

/**
 * A request body as the handlers read it: JSON or YAML text, protobuf bodies of creates and
 * updates converted to JSON. A body kube-sim cannot read carries its refusal instead: 415 for a
 * media type (or protobuf kind) it does not decode, 400 for bytes that are not what they claim.
 *
 * @param text the body as text, "" when refused
 * @param refusal the reply refusing the body, or null
 */
record RequestBody(String text, Reply refusal) {

    static RequestBody read(String method, String contentType, byte[] raw) {
        if (raw.length == 0 || !(method.equals("POST") || method.equals("PUT"))) {
            return new RequestBody(new String(raw, StandardCharsets.UTF_8), null);
        }
        MediaTypes.Format format = MediaTypes.bodyFormat(contentType);
        if (format == null) {
            return new RequestBody(
                    "",
                    Reply.status(
                            415,
                            "the body of the request was in an unknown format - accepted " + "media types include: "
                                    + MediaTypes.SUPPORTED));
        }
        if (format != MediaTypes.Format.PROTOBUF) {
            return new RequestBody(new String(raw, StandardCharsets.UTF_8), null);
        }
        try {
            return new RequestBody(ProtoCodec.decode(raw, true).toString(), null);
        } catch (ProtoCodec.UnsupportedException e) {
            return new RequestBody("", Reply.status(e.unknownKind() ? 415 : 400, e.getMessage()));
        }
    }
}
