/**
 * Talc for Java: a general-purpose memory allocator over memory the caller hands it.
 *
 * <p>Beyond {@code java.base}, the module reads {@code jdk.jfr} for its Flight Recorder events (all
 * disabled unless a recording enables them) and {@code java.management} for its optional MXBeans,
 * registered only on request.
 */
module dev.talc {
    requires jdk.jfr;
    requires transitive java.management;

    exports dev.talc;
}
