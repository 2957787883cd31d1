#ifndef ARENA_CCOMPRESSION_SHIM_H
#define ARENA_CCOMPRESSION_SHIM_H
#include <zstd.h>
#include <snappy-c.h>
#include <zlib.h>
#endif
