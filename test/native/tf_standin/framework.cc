// The stand-in's libtensorflow_framework.so.2: empty, for the C tarball's layout
// (libtensorflow.so.2 holds the C API and depends on it).
extern "C" int standin_framework_marker() { return 0; }
