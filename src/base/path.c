/*
 * path.c: paths that must stay inside a folder, and bounded reads.
 *
 * A path given by a manuscript or the manifest is relative to a folder of
 * the project and may not leave the project: it is checked twice, once as
 * written (no absolute path, no ".." above the project) and once resolved
 * (realpath, so a symlink pointing elsewhere is caught). Every file read for
 * a book is then opened once, by its resolved path, and the opened file is
 * checked to be the resolved one: a link swapped in between the check and
 * the open is refused, not followed.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base.h"

int qr_read_file_bounded(const char *path, size_t max, qr_buf *out, qr_error *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return qr_error_sys(err, QR_EX_NOINPUT, errno, path, "cannot open");
    int rc = qr_read_fd(fd, path, max, out, err);
    close(fd);
    return rc;
}

int qr_path_normalize(const char *rel, qr_buf *out)
{
    if (rel[0] == '/')
        return -1;
    size_t start = out->len;
    for (const char *p = rel; *p;) {
        size_t len = strcspn(p, "/");
        if (len == 2 && p[0] == '.' && p[1] == '.') {
            if (out->len == start) {
                qr_buf_truncate(out, start);
                return -2;
            }
            /* drop the last segment and its slash */
            size_t i = out->len;
            while (i > start && out->ptr[i - 1] != '/')
                i--;
            qr_buf_truncate(out, i > start ? i - 1 : start);
        } else if (len > 0 && !(len == 1 && p[0] == '.')) {
            if (out->len > start)
                qr_buf_addc(out, '/');
            qr_buf_add(out, p, len);
        }
        p += len;
        while (*p == '/')
            p++;
    }
    return 0;
}

char *qr_path_real_dir(const char *dir)
{
    char *real = realpath(dir, NULL);
    if (!real)
        return NULL;
    size_t rl = strlen(real);
    char *out = xmalloc(rl + 2);
    memcpy(out, real, rl + 1);
    if (rl == 0 || real[rl - 1] != '/')
        strcat(out, "/");
    free(real);
    return out;
}

/* Links that leave the root: refused unless the command line allows them
 * (--allow-outside), process-wide like the log level. */
static int allow_outside;

void qr_path_set_allow_outside(int on)
{
    allow_outside = on;
}

/*
 * Resolves path (realpath) and checks it lies inside root (ending in '/').
 * Returns 0 with *real (owned) set; -1 with err set (no file: the caller
 * names it) and *real NULL. Each way a link can fail has its own message:
 * a loop, a dangling link, a link leaving the root.
 */
static int S_resolve(const char *root, const char *where, const char *path, char **real,
                     qr_error *err)
{
    *real = NULL;
    char *r = realpath(path, NULL);
    if (!r) {
        int e = errno;
        struct stat lst;
        char target[PATH_MAX];
        ssize_t tn;
        if (e == ELOOP)
            return qr_error_set(err, QR_EX_NOINPUT, NULL, 0, 0,
                                "is a link loop (its links lead back round, never to a file)");
        if (e == ENOENT && lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode) &&
            (tn = readlink(path, target, sizeof target - 1)) >= 0) {
            target[tn] = '\0';
            return qr_error_set(err, QR_EX_NOINPUT, NULL, 0, 0,
                                "is a dangling link: its target '%s' does not exist", target);
        }
        return qr_error_sys(err, QR_EX_NOINPUT, e, NULL, "cannot open");
    }
    *real = xstrdup(r); /* xmalloc'd, like everything else the caller frees */
    free(r);
    /* inside: below the root, or (a folder) the root itself */
    size_t rl = strlen(root);
    if (strncmp(*real, root, rl) == 0)
        return 0;
    if (rl > 1 && strlen(*real) == rl - 1 && strncmp(*real, root, rl - 1) == 0)
        return 0;
    if (allow_outside) {
        qr_warn(path, 0, 0, "reads %s, outside %s (--allow-outside)", *real, where);
        return 0;
    }
    qr_error_set(err, QR_EX_DATAERR, NULL, 0, 0,
                 "links outside %s to %s (--allow-outside lets it in)", where, *real);
    free(*real);
    *real = NULL;
    return -1;
}

int qr_path_open_inside(const char *root, const char *where, const char *path, char **real_out,
                        qr_error *err)
{
    char *real = NULL;
    int fd = -1;
    qr_error_clear(err);
    if (S_resolve(root, where, path, &real, err) < 0)
        goto fail;
    /* Opened once, by the resolved path: no link is followed now
     * (O_NOFOLLOW for the last part; the check below for the folders), so
     * a link swapped in after the check is not taken. O_NONBLOCK: a named
     * pipe does not wait for a writer (refused below). */
    fd = open(real, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW);
    if (fd < 0) {
        if (errno == ELOOP)
            qr_error_set(err, QR_EX_DATAERR, NULL, 0, 0, "became a link while it was being opened");
        else
            qr_error_sys(err, QR_EX_NOINPUT, errno, NULL, "cannot open");
        goto fail;
    }
    struct stat st, again;
    if (fstat(fd, &st) < 0) {
        qr_error_sys(err, QR_EX_IOERR, errno, NULL, "cannot stat");
        goto fail;
    }
    if (S_ISDIR(st.st_mode)) {
        qr_error_set(err, QR_EX_NOINPUT, NULL, 0, 0, "is a directory, not a file");
        goto fail;
    }
    if (!S_ISREG(st.st_mode)) {
        qr_error_set(err, QR_EX_NOINPUT, NULL, 0, 0, "not a regular file");
        goto fail;
    }
    /* The file opened is the file checked: where the kernel says the
     * descriptor lies (/proc/self/fd), else the same device and inode as
     * the checked path now. */
    char proc[64], got[PATH_MAX];
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
    ssize_t gn = readlink(proc, got, sizeof got - 1);
    int same;
    if (gn >= 0) {
        got[gn] = '\0';
        same = strcmp(got, real) == 0;
    } else {
        same = stat(real, &again) == 0 && again.st_dev == st.st_dev && again.st_ino == st.st_ino;
    }
    if (!same) {
        qr_error_set(err, QR_EX_DATAERR, NULL, 0, 0,
                     "changed while it was being opened (a link swapped in?)");
        goto fail;
    }
    if (real_out)
        *real_out = real;
    else
        free(real);
    return fd;
fail:
    if (fd >= 0)
        close(fd);
    free(real);
    if (real_out)
        *real_out = NULL;
    return -1;
}

/* Puts `path: ` before a message that has no file. */
static int S_at(qr_error *err, const char *path)
{
    if (!err->file[0])
        snprintf(err->file, sizeof err->file, "%s", path);
    return -1;
}

/* Owned: the real folder of path as written (its dirname). */
static char *S_own_dir(const char *path)
{
    char *copy = xstrdup(path);
    char *slash = strrchr(copy, '/');
    if (!slash)
        strcpy(copy, ".");
    else if (slash == copy)
        copy[1] = '\0';
    else
        *slash = '\0';
    char *real = qr_path_real_dir(copy);
    free(copy);
    return real;
}

int qr_read_file_inside(const char *dir, const char *path, size_t max, qr_buf *out, qr_error *err)
{
    char *root = dir ? qr_path_real_dir(dir) : S_own_dir(path);
    if (!root)
        return qr_error_sys(err, QR_EX_NOINPUT, errno, dir ? dir : path,
                            dir ? "cannot open the project folder" : "cannot open its folder");
    int fd = qr_path_open_inside(root, dir ? "the project" : "its folder", path, NULL, err);
    free(root);
    if (fd < 0)
        return S_at(err, path);
    int rc = qr_read_fd(fd, path, max, out, err);
    close(fd);
    return rc;
}

int qr_path_check_dir_inside(const char *dir, const char *path, qr_error *err)
{
    char *root = qr_path_real_dir(dir);
    if (!root)
        return qr_error_sys(err, QR_EX_NOINPUT, errno, dir, "cannot open the project folder");
    char *real = NULL;
    qr_error_clear(err);
    int rc = S_resolve(root, "the project", path, &real, err);
    free(root);
    free(real);
    return rc < 0 ? S_at(err, path) : 0;
}
