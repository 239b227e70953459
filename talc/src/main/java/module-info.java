/**
 * Talc for Java: a general-purpose memory allocator over memory the caller hands it.
 */
module dev.talc {
    exports dev.talc;
}
