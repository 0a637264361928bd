/* SPDX-License-Identifier: MIT */
/*
 * Packing converted pictures into scanout formats on the GPU (shaders/pack.comp):
 * byte for byte what uhd_pack_image (pack.h) makes on the CPU, dithering, bit
 * replication and half floats included. The packed rows land in a buffer of
 * their own with the scanout pitch, read back into the caller's memory for now
 * (a DMA-BUF the display scans out is to take that buffer's place).
 *
 * A packer is made for one geometry and format and holds everything it needs;
 * packing allocates nothing. Not thread-safe: one caller at a time.
 */
#ifndef UHD_INTERNAL_KMS_GPU_PACK_H
#define UHD_INTERNAL_KMS_GPU_PACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pack.h"
#include "uhdpipe/context.h"
#include "uhdpipe/convert.h"

struct uhd_gpu_packer;

/* Target 0 (the packer's own buffer) and up to three imported framebuffers. */
#define UHD_GPU_PACK_MAX_TARGETS 4

/* A packer for pictures of width x height with `bits` (16 or 8) per sample,
 * `significant_bits` of them significant (0 = all; as struct uhd_image), into
 * format rows of pitch bytes (a multiple of 4, at least width * bytes per
 * pixel). context must outlive the packer. Errors: -EINVAL bad size, depth or
 * pitch, -ERANGE a picture or destination larger than the device reaches,
 * -ENOMEM, and Vulkan failures (logged). */
int uhd_gpu_packer_create(struct uhd_context *context, int width, int height, int bits,
                          int significant_bits, const struct uhd_scanout_format *format,
                          size_t pitch, struct uhd_gpu_packer **out);

/* Packs `in` (the geometry and depth the packer was made for, else -EINVAL)
 * into dst, height rows of the packer's pitch; blocks until the GPU is done.
 * Only the pixels' bytes of each row are written, never its padding. */
int uhd_gpu_pack(struct uhd_gpu_packer *packer, const struct uhd_image *in, uint8_t *dst);

/* Imports the DMA-BUF fd (size bytes, at least the packer's pitch x height;
 * the caller keeps fd) as a new target and sets *target to its index.
 * -ENOTSUP when the device cannot import it (the caller falls back), -EINVAL
 * when it is too small or the packer has UHD_GPU_PACK_MAX_TARGETS already. */
int uhd_gpu_packer_add_dmabuf(struct uhd_gpu_packer *packer, int fd, size_t size, int *target);

/* The other direction: a new target on memory the Vulkan device allocates
 * (pitch x height bytes), exported as a DMA-BUF for the display to import.
 * Sets *target, *fd (a new descriptor, the caller closes it) and *map (the
 * memory mapped for the CPU, or NULL where it is not host-visible and
 * coherent; valid while the packer lives). -ENOTSUP when the device cannot,
 * -EINVAL when the packer has UHD_GPU_PACK_MAX_TARGETS already. */
int uhd_gpu_packer_add_exported(struct uhd_gpu_packer *packer, int *target, int *fd, uint8_t **map);

/* Packs `in` into target and waits up to timeout_ns for the GPU to finish.
 * -ETIMEDOUT when it did not: the pass may still be writing, so call
 * uhd_gpu_packer_wait_all before reading or reusing that target. */
int uhd_gpu_pack_to(struct uhd_gpu_packer *packer, const struct uhd_image *in, int target,
                    uint64_t timeout_ns);

/* Whether `in` has the geometry and depth the packer was made for. */
bool uhd_gpu_packer_fits(const struct uhd_gpu_packer *packer, const struct uhd_image *in);

/* Passes that read the caller's picture in place (imported host memory, no
 * copy) and passes that copied it first. */
void uhd_gpu_packer_counts(const struct uhd_gpu_packer *packer, int64_t *imported, int64_t *copied);

/* Waits up to timeout_ns per pass until no pass is writing any target; 0, or
 * -ETIMEDOUT (with an error message) when one is still running. */
int uhd_gpu_packer_wait_all(struct uhd_gpu_packer *packer, uint64_t timeout_ns);

/* Waits for the GPU, frees everything and clears *packer; accepts NULL and *packer NULL. */
void uhd_gpu_packer_destroy(struct uhd_gpu_packer **packer);

#endif
