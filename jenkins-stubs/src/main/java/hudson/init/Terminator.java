package hudson.init;

import static java.lang.annotation.ElementType.METHOD;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;

// Members left out: the plugin uses the defaults only.
@Documented
@Retention(RUNTIME)
@Target(METHOD)
public @interface Terminator {}
