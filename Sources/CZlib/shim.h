// zlib from Debian's zlib1g-dev (gzip'd IDX files, PNG chunks).
#include <zlib.h>
