package io.jenkins.plugins.bluegreen.kubesim;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Content negotiation as the API server does it: an {@code Accept} list with q-values picks the
 * response format among JSON, YAML and protobuf, and a request body's {@code Content-Type} picks
 * its decoder.
 */
final class MediaTypes {

    static final String JSON = "application/json";
    static final String YAML = "application/yaml";
    static final String PROTOBUF = ProtoCodec.MEDIA_TYPE;
    static final String SUPPORTED = JSON + ", " + YAML + ", " + PROTOBUF;

    /** A format kube-sim can write a resource in. */
    enum Format {
        JSON(MediaTypes.JSON),
        YAML(MediaTypes.YAML),
        PROTOBUF(MediaTypes.PROTOBUF);

        final String mediaType;

        Format(String mediaType) {
            this.mediaType = mediaType;
        }
    }

    private MediaTypes() {}

    /**
     * The formats the client accepts, best first (q-value, then the order given); empty when it
     * accepts none kube-sim can write. No {@code Accept} header means JSON.
     */
    static List<Format> acceptable(String accept) {
        if (accept == null || accept.isBlank()) {
            return List.of(Format.JSON);
        }
        record Range(Format format, double q, int order) {}
        List<Range> ranges = new ArrayList<>();
        String[] parts = accept.split(",");
        for (int i = 0; i < parts.length; i++) {
            String[] params = parts[i].split(";");
            String type = params[0].trim().toLowerCase(Locale.ROOT);
            double q = 1;
            for (int j = 1; j < params.length; j++) {
                String p = params[j].trim();
                if (p.startsWith("q=")) {
                    try {
                        q = Double.parseDouble(p.substring(2));
                    } catch (NumberFormatException e) {
                        q = 0;
                    }
                }
            }
            Format f =
                    switch (type) {
                        case JSON, "*/*", "application/*" -> Format.JSON;
                        case YAML -> Format.YAML;
                        case PROTOBUF -> Format.PROTOBUF;
                        default -> null;
                    };
            if (f != null && q > 0) {
                ranges.add(new Range(f, q, i));
            }
        }
        return ranges.stream()
                .sorted(Comparator.comparingDouble(Range::q).reversed().thenComparingInt(Range::order))
                .map(Range::format)
                .distinct()
                .toList();
    }

    /** The decoder for a request body's Content-Type; null when kube-sim has none (415). */
    static Format bodyFormat(String contentType) {
        String type =
                contentType == null ? "" : contentType.split(";")[0].trim().toLowerCase(Locale.ROOT);
        return switch (type) {
            case "", JSON, "application/yaml", "application/x-yaml", "text/yaml", "text/plain" -> Format.JSON;
            case PROTOBUF -> Format.PROTOBUF;
            default -> null;
        };
    }
}
