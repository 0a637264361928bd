/* SPDX-License-Identifier: MIT */
/*
 * How pixels reach the framebuffers (--scanout): packed on the CPU into the
 * mapped dumb buffers (cpu-pack-to-dumb), packed by the GPU and copied into
 * them (gpu-pack-to-dumb), or packed by the GPU straight into memory the
 * display scans out, shared as DMA-BUFs one way or the other: dumb buffers
 * exported with PRIME and imported into Vulkan (zero-copy-dumb-to-vulkan), or
 * Vulkan memory exported and imported into the KMS device as framebuffers
 * (zero-copy-vulkan-to-kms). Both are linear rows at the dumb buffers' pitch,
 * so no format modifier beyond DRM_FORMAT_MOD_LINEAR is involved and a device
 * without VK_EXT_image_drm_format_modifier can do either. The commit follows
 * only after the pass's fence signalled; a pass that does not finish in time
 * is waited for and the run goes on with the CPU (into the dumb buffers).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <drm_fourcc.h>

#include "../../common/clock.h"
#include "../../common/fault.h"
#include "../../common/log.h"
#include "../../vk/vk.h"
#include "kms.h"

#define FENCE_TIMEOUT_NS (30ull * 1000 * 1000 * 1000) /* an 8K pack under emulation: seconds */

static const char *const path_names[] = {
        [KMS_PATH_CPU] = "cpu-pack-to-dumb",
        [KMS_PATH_GPU] = "gpu-pack-to-dumb",
        [KMS_PATH_ZERO_COPY] = "zero-copy-dumb-to-vulkan",
        [KMS_PATH_ZERO_COPY_VK] = "zero-copy-vulkan-to-kms",
};

int kms_scanout_parse(const char *text, enum kms_scanout *out)
{
	static const char *const names[] = {
	        [KMS_SCANOUT_AUTO] = "auto",
	        [KMS_SCANOUT_ZERO_COPY] = "zero-copy",
	        [KMS_SCANOUT_GPU] = "gpu",
	        [KMS_SCANOUT_CPU] = "cpu",
	        [KMS_SCANOUT_DUMB_TO_VULKAN] = "zero-copy-dumb-to-vulkan",
	        [KMS_SCANOUT_VULKAN_TO_KMS] = "zero-copy-vulkan-to-kms",
	};
	for (int i = 0; i < (int)(sizeof(names) / sizeof(names[0])); i++) {
		if (strcmp(text ? text : "auto", names[i]) == 0) {
			*out = (enum kms_scanout)i;
			return 0;
		}
	}
	uhd_error("unknown --scanout '%s' (auto, zero-copy, zero-copy-dumb-to-vulkan, "
	          "zero-copy-vulkan-to-kms, gpu, cpu)",
	          text);
	return -EINVAL;
}

static void set_path(struct kms_presenter *kms, enum kms_path path, const char *why)
{
	kms->path = path;
	snprintf(kms->path_kind, sizeof(kms->path_kind), "%s", path_names[path]);
	/* Long reasons are cut, never the run. */
	snprintf(kms->path_reason, sizeof(kms->path_reason), "%.*s",
	         (int)sizeof(kms->path_reason) - 1, why ? why : "");
}

/* The run's context, or one of the presenter's own (PNG inputs have none). */
static int get_context(struct kms_presenter *kms)
{
	if (kms->context) {
		return 0;
	}
	if (kms->params.context) {
		kms->context = kms->params.context;
		return 0;
	}
	int ret = uhd_context_create(NULL, &kms->own_context);
	kms->context = kms->own_context;
	return ret;
}

/* Exports each dumb buffer and imports it as a packer target. */
static int share_buffers(struct kms_presenter *kms, char *why, size_t why_size)
{
	if (!kms->context->dmabuf_import) {
		snprintf(why, why_size, "%s", kms->context->dmabuf_missing);
		return -ENOTSUP;
	}
	for (int i = 0; i < KMS_BUFFERS; i++) {
		struct kms_buffer *b = &kms->buffers[i];
		if (drmPrimeHandleToFD(kms->dev.fd, b->handle, DRM_CLOEXEC | DRM_RDWR,
		                       &b->prime_fd)) {
			b->prime_fd = -1;
			snprintf(why, why_size, "%s cannot export its dumb buffers as DMA-BUFs: %s",
			         kms->dev.driver, strerror(errno));
			return -ENOTSUP;
		}
		int ret = uhd_gpu_packer_add_dmabuf(kms->packer, b->prime_fd, b->size, &b->target);
		if (ret < 0) {
			snprintf(why, why_size,
			         "the Vulkan driver refused to import %s's dumb buffer (DMA-BUF): "
			         "%s",
			         kms->dev.driver, strerror(-ret));
			return ret;
		}
	}
	return 0;
}

/* After a refused share, the buffers go back to CPU packing or the packer's copy. */
static void close_prime_fds(struct kms_presenter *kms)
{
	for (int i = 0; i < KMS_BUFFERS; i++) {
		if (kms->buffers[i].prime_fd >= 0) {
			close(kms->buffers[i].prime_fd);
		}
		kms->buffers[i].prime_fd = -1;
		kms->buffers[i].target = -1;
	}
}

/* One framebuffer on exported Vulkan memory, at the dumb buffer's pitch. */
static int import_framebuffer(struct kms_presenter *kms, struct kms_buffer *b, int fd, char *why,
                              size_t why_size)
{
	bool fault = uhd_fault_hit(UHD_FAULT_PRIME_IMPORT);
	if (fault || drmPrimeFDToHandle(kms->dev.fd, fd, &b->vk_handle)) {
		int err = fault ? EPERM : errno ? errno : EIO;
		b->vk_handle = 0;
		snprintf(why, why_size,
		         "%s refused to import the Vulkan device's memory (PRIME): %s",
		         kms->dev.driver, strerror(err));
		return -ENOTSUP;
	}
	uint32_t handles[4] = {b->vk_handle}, pitches[4] = {b->pitch}, offsets[4] = {0};
	uint64_t modifiers[4] = {DRM_FORMAT_MOD_LINEAR};
	uint32_t w = kms->mode.hdisplay, h = kms->mode.vdisplay, fourcc = kms->format->fourcc;
	int ret = kms->explicit_modifier
	                  ? drmModeAddFB2WithModifiers(kms->dev.fd, w, h, fourcc, handles, pitches,
	                                               offsets, modifiers, &b->vk_fb_id,
	                                               DRM_MODE_FB_MODIFIERS)
	                  : drmModeAddFB2(kms->dev.fd, w, h, fourcc, handles, pitches, offsets,
	                                  &b->vk_fb_id, 0);
	if (ret) {
		int err = errno ? errno : EIO;
		b->vk_fb_id = 0;
		snprintf(why, why_size,
		         "%s refused a %ux%u %s framebuffer on the Vulkan device's memory (%s "
		         "modifier): %s",
		         kms->dev.driver, w, h, kms->format->name,
		         kms->explicit_modifier ? "linear" : "implicit", strerror(err));
		return -ENOTSUP;
	}
	return 0;
}

/* The display, tried with TEST_ONLY on the first exported framebuffer: a plane
 * that refuses such memory or its modifier says so before anything changes. */
static int test_exported(struct kms_presenter *kms, char *why, size_t why_size)
{
	int ret = kms_test_modeset(kms, &kms->buffers[0]);
	if (ret < 0) {
		snprintf(why, why_size,
		         "%s's plane refused a framebuffer on the Vulkan device's memory: %s",
		         kms->dev.driver, strerror(-ret));
		return -ENOTSUP;
	}
	return 0;
}

/* Allocates exportable Vulkan memory for each buffer and imports it into the
 * KMS device as a framebuffer. */
static int export_buffers(struct kms_presenter *kms, char *why, size_t why_size)
{
	if (!kms->context->dmabuf_export) {
		snprintf(why, why_size, "%s", kms->context->dmabuf_export_missing);
		return -ENOTSUP;
	}
	uint64_t cap = 0;
	if (drmGetCap(kms->dev.fd, DRM_CAP_PRIME, &cap) || !(cap & DRM_PRIME_CAP_IMPORT)) {
		snprintf(why, why_size, "%s cannot import DMA-BUFs (no PRIME import)",
		         kms->dev.driver);
		return -ENOTSUP;
	}
	kms->explicit_modifier =
	        drmGetCap(kms->dev.fd, DRM_CAP_ADDFB2_MODIFIERS, &cap) == 0 && cap != 0;
	for (int i = 0; i < KMS_BUFFERS; i++) {
		struct kms_buffer *b = &kms->buffers[i];
		int fd = -1;
		int ret = uhd_gpu_packer_add_exported(kms->packer, &b->target, &fd, &b->vk_map);
		if (ret < 0) {
			snprintf(why, why_size,
			         "the Vulkan driver could not export memory as a DMA-BUF: %s",
			         strerror(-ret));
			return ret;
		}
		ret = import_framebuffer(kms, b, fd, why, why_size);
		close(fd); /* the KMS device and Vulkan hold the memory now */
		if (ret < 0) {
			return ret;
		}
	}
	return test_exported(kms, why, why_size);
}

/* After a refused export, or at the end: the framebuffers on Vulkan memory go. */
static void release_exported(struct kms_presenter *kms)
{
	for (int i = 0; i < KMS_BUFFERS; i++) {
		struct kms_buffer *b = &kms->buffers[i];
		if (b->vk_fb_id) {
			drmModeRmFB(kms->dev.fd, b->vk_fb_id);
		}
		if (b->vk_handle) {
			struct drm_gem_close close_handle = {.handle = b->vk_handle};
			drmIoctl(kms->dev.fd, DRM_IOCTL_GEM_CLOSE, &close_handle);
		}
		b->vk_fb_id = b->vk_handle = 0;
		b->vk_map = NULL;
		b->holds_dumb = false;
	}
}

static int make_packer(struct kms_presenter *kms, const struct uhd_image *image, char *why,
                       size_t why_size)
{
	int ret = get_context(kms);
	if (ret < 0) {
		snprintf(why, why_size, "no Vulkan device to pack on: %s", strerror(-ret));
		return ret;
	}
	ret = uhd_gpu_packer_create(kms->context, image->width, image->height, image->bits,
	                            image->significant_bits, kms->format, kms->buffers[0].pitch,
	                            &kms->packer);
	if (ret < 0) {
		snprintf(why, why_size, "the GPU packer could not be made for %dx%d %s: %s",
		         image->width, image->height, kms->format->name, strerror(-ret));
	}
	return ret;
}

/* A GPU packer without zero-copy is the choice only where asked, or where the
 * device is a real GPU: on a CPU device the copy back costs more than packing. */
static void settle_without_sharing(struct kms_presenter *kms, const char *why)
{
	bool gpu = kms->scanout == KMS_SCANOUT_GPU ||
	           (kms->scanout != KMS_SCANOUT_CPU && !kms->context->limits.cpu);
	if (gpu) {
		set_path(kms, KMS_PATH_GPU, why);
		return;
	}
	char reason[sizeof(kms->path_reason) + 256];
	snprintf(reason, sizeof(reason),
	         "%s; GPU packing is not used without it since the Vulkan device is the CPU (%s), "
	         "where packing and copying back costs more than packing directly",
	         why, kms->context->limits.name);
	uhd_gpu_packer_destroy(&kms->packer);
	set_path(kms, KMS_PATH_CPU, reason);
}

/* The zero-copy directions --scanout allows, in the order tried: dumb buffers
 * into Vulkan first, since every KMS driver makes dumb buffers that a display
 * on another device than the GPU can scan out. */
static bool allows(const struct kms_presenter *kms, enum kms_path path)
{
	switch (kms->scanout) {
	case KMS_SCANOUT_AUTO:
	case KMS_SCANOUT_ZERO_COPY: return true;
	case KMS_SCANOUT_DUMB_TO_VULKAN: return path == KMS_PATH_ZERO_COPY;
	case KMS_SCANOUT_VULKAN_TO_KMS: return path == KMS_PATH_ZERO_COPY_VK;
	default: return false;
	}
}

/* Tries one direction; on a refusal the packer is made again without the
 * targets it left, and why says what refused. */
static int try_direction(struct kms_presenter *kms, const struct uhd_image *image,
                         enum kms_path path, char *why, size_t why_size)
{
	int ret = path == KMS_PATH_ZERO_COPY ? share_buffers(kms, why, why_size)
	                                     : export_buffers(kms, why, why_size);
	if (ret == 0) {
		set_path(kms, path, NULL);
		return 0;
	}
	close_prime_fds(kms);
	release_exported(kms);
	/* The targets made so far are dropped with the packer; a fresh one has none. */
	uhd_gpu_packer_destroy(&kms->packer);
	char again[128];
	if (make_packer(kms, image, again, sizeof(again)) < 0) {
		size_t used = strlen(why);
		snprintf(why + used, why_size - used, "; then %s", again);
		return -ENODEV;
	}
	return ret;
}

void kms_gpu_setup(struct kms_presenter *kms, const struct uhd_image *image)
{
	char why[256] = "", reasons[sizeof(kms->path_reason)] = "";
	for (int i = 0; i < KMS_BUFFERS; i++) {
		kms->buffers[i].prime_fd = -1;
		kms->buffers[i].target = -1;
	}
	if (kms->scanout == KMS_SCANOUT_CPU) {
		set_path(kms, KMS_PATH_CPU, "--scanout cpu");
		return;
	}
	if (make_packer(kms, image, why, sizeof(why)) < 0) {
		uhd_warn("%s: packing frames on the CPU", why);
		set_path(kms, KMS_PATH_CPU, why);
		return;
	}
	if (kms->scanout == KMS_SCANOUT_GPU) {
		settle_without_sharing(kms, "--scanout gpu");
		return;
	}
	const enum kms_path order[2] = {KMS_PATH_ZERO_COPY, KMS_PATH_ZERO_COPY_VK};
	for (int i = 0; i < 2; i++) {
		if (!allows(kms, order[i])) {
			continue;
		}
		int ret = try_direction(kms, image, order[i], why, sizeof(why));
		if (ret == 0) {
			/* A direction tried before and refused stays in the reason. */
			snprintf(kms->path_reason, sizeof(kms->path_reason), "%s", reasons);
			return;
		}
		size_t used = strlen(reasons);
		snprintf(reasons + used, sizeof(reasons) - used, "%s%s: %s", used ? "; " : "",
		         path_names[order[i]], why);
		if (ret == -ENODEV) {
			uhd_warn("no GPU packing: %s; packing frames on the CPU", reasons);
			set_path(kms, KMS_PATH_CPU, reasons);
			return;
		}
	}
	if (kms->scanout != KMS_SCANOUT_AUTO) {
		uhd_warn("no zero-copy scanout: %s; going on without it", reasons);
	}
	settle_without_sharing(kms, reasons);
}

/* After a pass that did not finish in time: the CPU from now on. */
static int fall_back(struct kms_presenter *kms, const struct uhd_image *image,
                     struct kms_buffer *buffer, int64_t frame)
{
	uhd_warn("the GPU did not finish packing frame %lld into its framebuffer within %llu s: "
	         "waiting for it, then packing on the CPU for the rest of the run",
	         (long long)frame, FENCE_TIMEOUT_NS / 1000000000ull);
	int ret = uhd_gpu_packer_wait_all(kms->packer, 4 * FENCE_TIMEOUT_NS);
	if (ret < 0) {
		return ret;
	}
	char why[sizeof(kms->path_reason) + 64];
	snprintf(why, sizeof(why), "the GPU pass for frame %lld did not finish in time (%s before)",
	         (long long)frame, kms->path_kind);
	set_path(kms, KMS_PATH_CPU, why);
	kms->fallback_frame = frame;
	uhd_pack_image(image, kms->format, buffer->map, buffer->pitch);
	return 0;
}

static int fill(struct kms_presenter *kms, const struct uhd_image *image, struct kms_buffer *buffer,
                int64_t frame)
{
	int ret = 0;
	/* A picture of another depth than the first (a folder of 8- and 16-bit
	 * PNGs) goes through the CPU packer, which takes any. */
	buffer->holds_dumb = true; /* unless the GPU fills the framebuffer on Vulkan memory */
	if (kms->path != KMS_PATH_CPU && !uhd_gpu_packer_fits(kms->packer, image)) {
		kms->cpu_packed_frames++;
		uhd_pack_image(image, kms->format, buffer->map, buffer->pitch);
		return 0;
	}
	switch (kms->path) {
	case KMS_PATH_ZERO_COPY:
	case KMS_PATH_ZERO_COPY_VK:
		ret = uhd_gpu_pack_to(kms->packer, image, buffer->target, FENCE_TIMEOUT_NS);
		buffer->holds_dumb = ret < 0;
		return ret == -ETIMEDOUT ? fall_back(kms, image, buffer, frame) : ret;
	case KMS_PATH_GPU: return uhd_gpu_pack(kms->packer, image, buffer->map);
	case KMS_PATH_CPU: break;
	}
	uhd_pack_image(image, kms->format, buffer->map, buffer->pitch);
	return 0;
}

int kms_pack(struct kms_presenter *kms, const struct uhd_image *image, struct kms_buffer *buffer,
             int64_t frame)
{
	double start = uhd_now_ms(), start_cpu = uhd_thread_cpu_ms();
	int ret = fill(kms, image, buffer, frame);
	double ms = uhd_now_ms() - start;
	kms->fills++;
	kms->fill_ms_total += ms;
	kms->fill_ms_max = ms > kms->fill_ms_max ? ms : kms->fill_ms_max;
	kms->fill_cpu_ms_total += uhd_thread_cpu_ms() - start_cpu;
	return ret;
}

void kms_gpu_release(struct kms_presenter *kms)
{
	release_exported(kms);
	uhd_gpu_packer_destroy(&kms->packer);
	close_prime_fds(kms);
	uhd_context_destroy(&kms->own_context);
	kms->context = NULL;
}
