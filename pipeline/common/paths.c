/* SPDX-License-Identifier: MIT */
/* File-system helpers (see paths.h). */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "paths.h"

int uhd_make_dirs(const char *dir)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s", dir);
	for (char *p = path + 1; *p; p++) {
		if (*p == '/') {
			*p = '\0';
			if (mkdir(path, 0755) != 0 && errno != EEXIST) {
				return -errno;
			}
			*p = '/';
		}
	}
	if (mkdir(path, 0755) != 0 && errno != EEXIST) {
		return -errno;
	}
	struct stat st;
	if (stat(path, &st) != 0) {
		return -errno;
	}
	return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
}

int uhd_folder_entry(const char *dir, char *name, size_t size)
{
	DIR *d = opendir(dir);
	if (!d) {
		return -errno;
	}
	int found = 0;
	for (struct dirent *e; !found && (e = readdir(d));) {
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
			snprintf(name, size, "%s", e->d_name);
			found = 1;
		}
	}
	closedir(d);
	return found;
}

int uhd_check_parent_writable(const char *path)
{
	char dir[PATH_MAX];
	snprintf(dir, sizeof(dir), "%s", path);
	char *slash = strrchr(dir, '/');
	if (slash) {
		slash[slash == dir ? 1 : 0] = '\0';
	}
	const char *folder = slash ? dir : ".";
	/* stat first: access() on a file where a folder should be says EACCES. */
	struct stat st;
	if (stat(folder, &st) != 0) {
		return -errno;
	}
	if (!S_ISDIR(st.st_mode)) {
		return -ENOTDIR;
	}
	return access(folder, W_OK | X_OK) == 0 ? 0 : -errno;
}
