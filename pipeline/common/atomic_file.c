/* SPDX-License-Identifier: MIT */
/* Temporary file + fsync + rename (see atomic_file.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common/fault.h"
#include "../common/log.h"
#include "atomic_file.h"

int uhd_atomic_open(struct uhd_atomic_file *out, const char *path, const char *what)
{
	out->path = path;
	out->file = NULL;
	snprintf(out->temp, sizeof(out->temp), "%s.tmp-XXXXXX", path);
	int fd = mkstemp(out->temp);
	out->file = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!out->file) {
		int err = errno;
		if (fd >= 0) {
			close(fd);
			unlink(out->temp);
		}
		uhd_error("cannot write the %s '%s': %s; choose a writable path", what, path,
		          strerror(err));
		return -err;
	}
	fchmod(fd, 0644);
	return 0;
}

int uhd_atomic_commit(struct uhd_atomic_file *f, const char *what)
{
	int ret = ferror(f->file) ? -EIO : 0;
	if (ret == 0 && uhd_fault_hit(UHD_FAULT_WRITE)) {
		ret = -ENOSPC;
	}
	if (ret == 0 && (fflush(f->file) != 0 || fsync(fileno(f->file)) != 0)) {
		ret = -errno;
	}
	if (fclose(f->file) != 0 && ret == 0) {
		ret = -errno;
	}
	f->file = NULL;
	if (ret == 0 && rename(f->temp, f->path) != 0) {
		ret = -errno;
	}
	if (ret < 0) {
		unlink(f->temp);
		uhd_error("writing the %s '%s' failed: %s", what, f->path, strerror(-ret));
	}
	return ret;
}
