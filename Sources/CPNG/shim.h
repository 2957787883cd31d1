#ifndef ARENA_CPNG_SHIM_H
#define ARENA_CPNG_SHIM_H
#include <png.h>
/* Macros built from other macros do not import into Swift. */
static const unsigned int ARENA_PNG_FORMAT_RGBA = PNG_FORMAT_RGBA;
static const unsigned int ARENA_PNG_FORMAT_RGB = PNG_FORMAT_RGB;
static const unsigned int ARENA_PNG_IMAGE_VERSION = PNG_IMAGE_VERSION;
#endif
