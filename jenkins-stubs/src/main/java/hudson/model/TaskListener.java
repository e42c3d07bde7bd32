package hudson.model;

import java.io.PrintStream;
import java.io.PrintWriter;
import org.jenkinsci.remoting.SerializableOnlyOverRemoting;

public interface TaskListener extends SerializableOnlyOverRemoting {

    PrintStream getLogger();

    // As in Jenkins: the message goes to the log with an "ERROR: " prefix.
    default PrintWriter error(String msg) {
        PrintStream out = getLogger();
        out.print("ERROR: ");
        out.println(msg);
        return new PrintWriter(out, true);
    }

    default PrintWriter error(String format, Object... args) {
        return error(String.format(format, args));
    }
}
