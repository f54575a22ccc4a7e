/*
 * path.c: paths that must stay inside a folder, and bounded reads.
 *
 * A path given by a manuscript or the manifest is relative to a folder of
 * the project and may not leave the project: it is checked twice, once as
 * written (no absolute path, no ".." above the project) and once resolved
 * (realpath, so a symlink pointing elsewhere is caught).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base.h"

int qr_read_file_bounded(const char *path, size_t max, qr_buf *out, qr_error *err)
{
    int rc = -1;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return qr_error_sys(err, QR_EX_NOINPUT, errno, path, "cannot open");
    struct stat st;
    if (fstat(fd, &st) < 0) {
        qr_error_sys(err, QR_EX_IOERR, errno, path, "cannot stat");
        goto done;
    }
    if (!S_ISREG(st.st_mode)) {
        qr_error_set(err, QR_EX_NOINPUT, path, 0, 0, "not a regular file");
        goto done;
    }
    if ((unsigned long long)st.st_size > max) {
        rc = 1;
        goto done;
    }
    qr_buf_grow(out, (size_t)st.st_size + 1);
    for (;;) {
        if (out->len > max) { /* grew while being read */
            rc = 1;
            goto done;
        }
        qr_buf_grow(out, 4096);
        ssize_t n = read(fd, out->ptr + out->len, out->cap - out->len - 1);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            qr_error_sys(err, QR_EX_IOERR, errno, path, "read error");
            goto done;
        }
        if (n == 0)
            break;
        out->len += (size_t)n;
    }
    out->ptr[out->len] = '\0';
    rc = out->len > max ? 1 : 0;
done:
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

int qr_path_resolve_inside(const char *root, const char *path, char **real)
{
    char *r = realpath(path, NULL);
    *real = NULL;
    if (!r)
        return -1;
    char *own = xstrdup(r); /* xmalloc'd, like everything else the caller frees */
    free(r);
    *real = own;
    return strncmp(own, root, strlen(root)) == 0 ? 0 : 1;
}
