// CBLAS and OpenBLAS thread control from Debian's libopenblas-dev.
#include <cblas.h>
