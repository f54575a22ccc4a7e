/* error.c: the error object and gcc-style diagnostics. */
#include <stdio.h>
#include <string.h>

#include "base.h"

static int log_level = QR_LOG_NORMAL;
static unsigned warnings;

void qr_error_clear(qr_error *err)
{
    memset(err, 0, sizeof *err);
}

static void S_set_file(qr_error *err, const char *file)
{
    if (file)
        snprintf(err->file, sizeof err->file, "%s", file);
    else
        err->file[0] = '\0';
}

int qr_error_set(qr_error *err, int code, const char *file, int line, int col,
                 const char *fmt, ...)
{
    if (!err)
        return -1;
    err->code = code;
    err->sys_errno = 0;
    err->line = line;
    err->col = col;
    S_set_file(err, file);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    return -1;
}

int qr_error_sys(qr_error *err, int code, int sys_errno, const char *file,
                 const char *fmt, ...)
{
    if (!err)
        return -1;
    err->code = code;
    err->sys_errno = sys_errno;
    err->line = 0;
    err->col = 0;
    S_set_file(err, file);
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    if (n >= 0 && (size_t)n < sizeof err->msg)
        snprintf(err->msg + n, sizeof err->msg - (size_t)n, ": %s", strerror(sys_errno));
    return -1;
}

static void S_location(FILE *f, const char *file, int line, int col)
{
    if (file && *file) {
        fputs(file, f);
        if (line > 0) {
            fprintf(f, ":%d", line);
            if (col > 0)
                fprintf(f, ":%d", col);
        }
        fputs(": ", f);
    } else {
        fputs("quire: ", f);
    }
}

void qr_error_print(const qr_error *err)
{
    S_location(stderr, err->file, err->line, err->col);
    fprintf(stderr, "error: %s\n", err->msg[0] ? err->msg : "unknown error");
}

void qr_log_set_level(int level)
{
    log_level = level;
}

int qr_log_level(void)
{
    return log_level;
}

void qr_warn(const char *file, int line, int col, const char *fmt, ...)
{
    warnings++;
    if (log_level < QR_LOG_NORMAL)
        return;
    S_location(stderr, file, line, col);
    fputs("warning: ", stderr);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

void qr_note(const char *fmt, ...)
{
    if (log_level < QR_LOG_VERBOSE)
        return;
    fputs("quire: ", stderr);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

unsigned qr_warning_count(void)
{
    return warnings;
}
