// oneDNN (Debian's libdnnl-dev) and the one OpenMP call the tensor core needs from libgomp,
// the runtime Debian's oneDNN is built with. omp.h lives in GCC's private include folder, which
// Clang does not search, so the declaration is repeated here.
#include <oneapi/dnnl/dnnl.h>

void omp_set_num_threads(int count);
