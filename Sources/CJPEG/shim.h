// libjpeg(-turbo) from Debian's libjpeg-dev. stdio.h must come first: jpeglib.h uses FILE.
#include <stdio.h>
#include <jpeglib.h>
