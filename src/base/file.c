/* file.c: whole-file reads and atomic writes (temporary file + rename). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base.h"

int qr_read_fd(int fd, const char *path, size_t max, qr_buf *out, qr_error *err)
{
    struct stat st;
    if (fstat(fd, &st) < 0)
        return qr_error_sys(err, QR_EX_IOERR, errno, path, "cannot stat");
    if (S_ISDIR(st.st_mode))
        return qr_error_set(err, QR_EX_NOINPUT, path, 0, 0, "is a directory, not a file");
    if (!S_ISREG(st.st_mode))
        return qr_error_set(err, QR_EX_NOINPUT, path, 0, 0, "not a regular file");
    if ((unsigned long long)st.st_size > max)
        return 1;
    qr_buf_grow(out, (size_t)st.st_size + 1);
    for (;;) {
        if (out->len > max) /* grew while being read */
            return 1;
        qr_buf_grow(out, 65536);
        ssize_t n = read(fd, out->ptr + out->len, out->cap - out->len - 1);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return qr_error_sys(err, QR_EX_IOERR, errno, path, "read error");
        }
        if (n == 0)
            break;
        out->len += (size_t)n;
    }
    out->ptr[out->len] = '\0';
    return out->len > max ? 1 : 0;
}

int qr_read_file(const char *path, qr_buf *out, qr_error *err)
{
    /* O_NONBLOCK: opening a named pipe must not wait for a writer (it is
     * refused as not a regular file); regular files ignore the flag. */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return qr_error_sys(err, QR_EX_NOINPUT, errno, path, "cannot open");
    int rc = qr_read_fd(fd, path, SIZE_MAX, out, err);
    close(fd);
    return rc < 0 ? -1 : 0;
}

/*
 * The temporary files this process has open. A fixed table, so the signal
 * handler can walk it without allocating.
 */
#define TMP_MAX_FILES 16
static char tmp_paths[TMP_MAX_FILES][4096];
static volatile sig_atomic_t tmp_used[TMP_MAX_FILES];

void qr_tmp_register(const char *path)
{
    for (int i = 0; i < TMP_MAX_FILES; i++) {
        if (!tmp_used[i]) {
            snprintf(tmp_paths[i], sizeof tmp_paths[i], "%s", path);
            tmp_used[i] = 1;
            return;
        }
    }
}

void qr_tmp_unregister(const char *path)
{
    for (int i = 0; i < TMP_MAX_FILES; i++) {
        if (tmp_used[i] && strcmp(tmp_paths[i], path) == 0) {
            tmp_used[i] = 0;
            return;
        }
    }
}

void qr_tmp_cleanup(void)
{
    for (int i = 0; i < TMP_MAX_FILES; i++) {
        if (tmp_used[i]) {
            unlink(tmp_paths[i]);
            tmp_used[i] = 0;
        }
    }
}

/*
 * Removes the temporaries of `path` that processes no longer running left
 * (a build killed by SIGKILL cannot remove its own): PATH.tmp.PID.XXXXXX
 * whose PID is gone. Those of running builds (two into one folder) stay.
 */
static void S_clean_stale(const char *path)
{
    const char *slash = strrchr(path, '/');
    qr_buf dir = QR_BUF_INIT, prefix = QR_BUF_INIT;
    if (slash)
        qr_buf_add(&dir, path, slash == path ? 1 : (size_t)(slash - path));
    else
        qr_buf_adds(&dir, ".");
    qr_buf_addf(&prefix, "%s.tmp.", slash ? slash + 1 : path);
    DIR *d = opendir(dir.ptr);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (strncmp(e->d_name, prefix.ptr, prefix.len) != 0)
            continue;
        char *end;
        const char *digits = e->d_name + prefix.len;
        long pid = strtol(digits, &end, 10);
        if (end == digits || *end != '.' || pid <= 0 || pid == (long)getpid())
            continue;
        if (kill((pid_t)pid, 0) < 0 && errno == ESRCH)
            unlinkat(dirfd(d), e->d_name, 0);
    }
    if (d)
        closedir(d);
    qr_buf_release(&dir);
    qr_buf_release(&prefix);
}

int qr_write_file_atomic(const char *path, const void *data, size_t len, qr_error *err)
{
    qr_buf tmp = QR_BUF_INIT;
    S_clean_stale(path);
    /* the PID in the name: a later build knows whether its maker still runs */
    qr_buf_addf(&tmp, "%s.tmp.%ld.XXXXXX", path, (long)getpid());
    /* The signals that remove temporary files wait while the file is made
     * and registered (and below, renamed and unregistered): no moment when
     * the file exists but the handler does not know it. */
    sigset_t block, saved;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGHUP);
    sigprocmask(SIG_BLOCK, &block, &saved);
    int fd = mkstemp(tmp.ptr);
    if (fd < 0) {
        int e = errno;
        sigprocmask(SIG_SETMASK, &saved, NULL);
        qr_error_sys(err, QR_EX_CANTCREAT, e, path, "cannot create");
        qr_buf_release(&tmp);
        return -1;
    }
    qr_tmp_register(tmp.ptr);
    sigprocmask(SIG_SETMASK, &saved, NULL);
    /* mkstemp makes the file 0600; a book is for reading. */
    mode_t um = umask(0);
    umask(um);
    fchmod(fd, 0666 & ~um);
    const char *p = data;
    size_t left = len;
    while (left > 0) {
        ssize_t n = write(fd, p, left);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            qr_error_sys(err, QR_EX_IOERR,
                         errno, path, "write error");
            goto fail;
        }
        p += n;
        left -= (size_t)n;
    }
    if (fsync(fd) < 0 && errno != EINVAL) {
        qr_error_sys(err, QR_EX_IOERR, errno, path, "cannot sync");
        goto fail;
    }
    if (close(fd) < 0) {
        fd = -1;
        qr_error_sys(err, QR_EX_IOERR, errno, path, "write error");
        goto fail;
    }
    fd = -1;
    sigprocmask(SIG_BLOCK, &block, NULL);
    if (rename(tmp.ptr, path) < 0) {
        int e = errno;
        sigprocmask(SIG_SETMASK, &saved, NULL);
        qr_error_sys(err, QR_EX_CANTCREAT, e, path, "cannot rename into place");
        goto fail;
    }
    qr_tmp_unregister(tmp.ptr);
    sigprocmask(SIG_SETMASK, &saved, NULL);
    qr_buf_release(&tmp);
    return 0;
fail:
    if (fd >= 0)
        close(fd);
    unlink(tmp.ptr);
    qr_tmp_unregister(tmp.ptr);
    qr_buf_release(&tmp);
    return -1;
}
