// libjpeg(-turbo) from Debian's libjpeg-dev. stdio.h must come first: jpeglib.h uses FILE.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <jpeglib.h>

// libjpeg reports fatal errors through error_exit, which must not return; the usual answer is
// setjmp/longjmp, which Swift cannot express. These helpers keep the jump inside C so that a
// corrupt JPEG becomes an error code and a message instead of exit().

/// Error manager that jumps back to the decoder instead of exiting, and keeps the last message.
struct realnvp_jpeg_error_mgr {
  struct jpeg_error_mgr pub;
  jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
};

static inline void realnvp_jpeg_error_exit(j_common_ptr cinfo) {
  struct realnvp_jpeg_error_mgr *err = (struct realnvp_jpeg_error_mgr *)cinfo->err;
  (*cinfo->err->format_message)(cinfo, err->message);
  longjmp(err->jump, 1);
}

static inline void realnvp_jpeg_output_message(j_common_ptr cinfo) {
  struct realnvp_jpeg_error_mgr *err = (struct realnvp_jpeg_error_mgr *)cinfo->err;
  (*cinfo->err->format_message)(cinfo, err->message);
}

/// Decodes a JPEG held in memory to 8-bit interleaved RGB.
/// Returns 0 on success with *pixels malloc'ed (caller frees), 1 on a fatal error, 2 when the data
/// decoded only with warnings (truncated or corrupt data); message receives libjpeg's text.
static inline int realnvp_jpeg_decode_rgb(
    const unsigned char *data, unsigned long size, unsigned char **pixels, int *width,
    int *height, char *message, int message_capacity) {
  struct jpeg_decompress_struct cinfo;
  struct realnvp_jpeg_error_mgr err;
  unsigned char *volatile buffer = NULL;
  *pixels = NULL;
  memset(&err, 0, sizeof(err));
  cinfo.err = jpeg_std_error(&err.pub);
  err.pub.error_exit = realnvp_jpeg_error_exit;
  err.pub.output_message = realnvp_jpeg_output_message;
  if (setjmp(err.jump)) {
    jpeg_destroy_decompress(&cinfo);
    free(buffer);
    snprintf(message, (size_t)message_capacity, "%s", err.message);
    return 1;
  }
  jpeg_create_decompress(&cinfo);
  jpeg_mem_src(&cinfo, data, size);
  jpeg_read_header(&cinfo, TRUE);
  cinfo.out_color_space = JCS_RGB;
  jpeg_start_decompress(&cinfo);
  size_t stride = (size_t)cinfo.output_width * 3;
  buffer = (unsigned char *)malloc(stride * cinfo.output_height);
  if (buffer == NULL) {
    jpeg_destroy_decompress(&cinfo);
    snprintf(message, (size_t)message_capacity, "out of memory");
    return 1;
  }
  while (cinfo.output_scanline < cinfo.output_height) {
    JSAMPROW row = buffer + stride * cinfo.output_scanline;
    jpeg_read_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_decompress(&cinfo);
  *width = (int)cinfo.output_width;
  *height = (int)cinfo.output_height;
  long warnings = err.pub.num_warnings;
  jpeg_destroy_decompress(&cinfo);
  if (warnings > 0) {
    free(buffer);
    snprintf(message, (size_t)message_capacity, "%s", err.message);
    return 2;
  }
  *pixels = buffer;
  return 0;
}
