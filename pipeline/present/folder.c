/* SPDX-License-Identifier: MIT */
/* Claiming an output folder (see folder.h). */
#include "folder.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../common/log.h"

/* PREFIXN.png, or what a write of one left. */
static bool own_file(const char *name, const char *prefix)
{
	size_t n = strlen(name), p = strlen(prefix);
	return strncmp(name, prefix, p) == 0 &&
	       ((n > p + 4 && strcmp(name + n - 4, ".png") == 0) || strstr(name, ".png.tmp-"));
}

int uhd_claim_folder(const char *dir, const char *prefix, const char *what, bool overwrite)
{
	DIR *d = opendir(dir);
	if (!d) {
		return -errno;
	}
	char other[256] = "";
	int ret = 0;
	for (struct dirent *e; ret == 0 && (e = readdir(d));) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) {
			continue;
		}
		if (overwrite && own_file(e->d_name, prefix)) {
			ret = unlinkat(dirfd(d), e->d_name, 0) == 0 ? 0 : -errno;
		} else if (!overwrite && !other[0]) {
			snprintf(other, sizeof(other), "%s", e->d_name);
		}
	}
	closedir(d);
	if (ret < 0) {
		uhd_error("cannot remove the old %ss in '%s': %s", what, dir, strerror(-ret));
		return ret;
	}
	if (other[0]) {
		uhd_error("the folder '%s' is not empty (it holds '%s'); give -y (--overwrite) to "
		          "replace uhdpipe's %s*.png there, or choose an empty folder",
		          dir, other, prefix);
		return -EEXIST;
	}
	return 0;
}
