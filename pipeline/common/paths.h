/* SPDX-License-Identifier: MIT */
/* File-system helpers shared by the output stages. */
#ifndef UHD_INTERNAL_PATHS_H
#define UHD_INTERNAL_PATHS_H

/* mkdir -p: 0 or -errno; -ENOTDIR when dir (or a folder on its way) is a file. */
int uhd_make_dirs(const char *dir);

/* Whether files can be made in the folder that holds path ("." for a bare
 * name): 0, or -ENOENT, -ENOTDIR (a file stands where the folder should),
 * -EACCES. */
int uhd_check_parent_writable(const char *path);

/* 1 and the name of one entry of dir (not . or ..), 0 when dir is empty,
 * -errno when it cannot be read. */
int uhd_folder_entry(const char *dir, char *name, size_t size);

#endif
