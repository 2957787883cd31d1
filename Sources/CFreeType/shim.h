#ifndef ARENA_CFREETYPE_SHIM_H
#define ARENA_CFREETYPE_SHIM_H
#include <ft2build.h>
#include FT_FREETYPE_H
static const int ARENA_FT_LOAD_RENDER = FT_LOAD_RENDER;
static const int ARENA_FT_LOAD_DEFAULT = FT_LOAD_DEFAULT;
#endif
