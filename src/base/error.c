/* error.c: the error object and gcc-style diagnostics. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base.h"

static int log_level = QR_LOG_NORMAL;
static unsigned warnings;
static int use_color; /* resolved by qr_diag_set_color */

/* gcc's colours: the location bold, errors red, warnings magenta, the
 * caret green */
#define C_BOLD "\033[1m"
#define C_ERROR "\033[1;31m"
#define C_WARN "\033[1;35m"
#define C_CARET "\033[1;32m"
#define C_OFF "\033[0m"
#define S_C(code) (use_color ? (code) : "")

void qr_diag_set_color(int mode)
{
    if (mode == QR_COLOR_AUTO) {
        /* https://no-color.org: NO_COLOR set and not empty turns it off */
        const char *no = getenv("NO_COLOR"), *term = getenv("TERM");
        use_color = isatty(STDERR_FILENO) && !(no && *no) && !(term && strcmp(term, "dumb") == 0);
    } else {
        use_color = mode == QR_COLOR_ALWAYS;
    }
}

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
    fputs(S_C(C_BOLD), f);
    if (file && *file) {
        fputs(file, f);
        if (line > 0) {
            fprintf(f, ":%d", line);
            if (col > 0)
                fprintf(f, ":%d", col);
        }
        fputs(":", f);
    } else {
        fputs("quire:", f);
    }
    fprintf(f, "%s ", S_C(C_OFF));
}

/* The warnings quoted with their source line; later ones are not. */
#define QR_QUOTE_WARNINGS 20
/* The widest excerpt of a source line quoted, in characters. */
#define QR_QUOTE_WIDTH 80

/*
 * After a diagnostic at file:line:col, the line itself and a caret under
 * the column, as gcc shows them:
 *
 *       3 | title: [Fog
 *         |        ^
 *
 * col counts characters. A long line is cut to a window around the column,
 * marked with "..."; control characters and bytes that are not UTF-8 show
 * as '?'. Nothing is shown when the file cannot be read again.
 */
static void S_quote(FILE *f, const char *file, int line, int col)
{
    if (!file || !*file || line <= 0 || col <= 0)
        return;
    FILE *in = fopen(file, "rb");
    if (!in)
        return;
    char *text = NULL;
    size_t cap = 0;
    ssize_t len = 0;
    for (int i = 0; i < line && len >= 0; i++)
        len = getline(&text, &cap, in);
    fclose(in);
    if (len < 0) {
        free(text);
        return;
    }
    while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r'))
        len--;
    /* the characters' starts */
    size_t n_chars = 0;
    size_t *start = xmalloc(sizeof *start * (size_t)(len + 2));
    for (ssize_t i = 0; i < len;) {
        start[n_chars++] = (size_t)i;
        uint32_t cp;
        int k = 1;
        int l0, c0;
        unsigned char b = (unsigned char)text[i];
        if (b >= 0x80) {
            size_t want = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2;
            if ((size_t)(len - i) >= want && qr_utf8_check(text + i, want, &l0, &c0) == 0)
                k = qr_utf8_decode(text + i, want, &cp);
        }
        i += k;
    }
    start[n_chars] = (size_t)len;
    if ((size_t)col > n_chars + 1) {
        free(start);
        free(text);
        return;
    }
    size_t from = 0, to = n_chars;
    if (n_chars > QR_QUOTE_WIDTH) {
        from = (size_t)col > QR_QUOTE_WIDTH / 2 ? (size_t)col - QR_QUOTE_WIDTH / 2 : 0;
        to = from + QR_QUOTE_WIDTH < n_chars ? from + QR_QUOTE_WIDTH : n_chars;
    }
    qr_buf out = QR_BUF_INIT, caret = QR_BUF_INIT;
    qr_buf_addf(&out, "%5d | %s", line, from > 0 ? "..." : "");
    qr_buf_addf(&caret, "      | %s", from > 0 ? "   " : "");
    for (size_t c = from; c < to; c++) {
        const char *p = text + start[c];
        size_t k = start[c + 1] - start[c];
        unsigned char b = (unsigned char)*p;
        int shown = k > 1 || (b >= 0x20 && b < 0x7F) || b == '\t';
        if (k == 1 && b >= 0x80)
            shown = 0;
        if (shown)
            qr_buf_add(&out, p, k);
        else
            qr_buf_addc(&out, '?');
        if (c + 1 < (size_t)col)
            qr_buf_addc(&caret, b == '\t' ? '\t' : ' ');
    }
    if (to < n_chars)
        qr_buf_adds(&out, "...");
    fprintf(f, "%s\n%s%s^%s\n", out.ptr, caret.ptr, S_C(C_CARET), S_C(C_OFF));
    qr_buf_release(&out);
    qr_buf_release(&caret);
    free(start);
    free(text);
}

void qr_error_print(const qr_error *err)
{
    S_location(stderr, err->file, err->line, err->col);
    fprintf(stderr, "%serror:%s %s\n", S_C(C_ERROR), S_C(C_OFF),
            err->msg[0] ? err->msg : "unknown error");
    S_quote(stderr, err->file, err->line, err->col);
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
    fprintf(stderr, "%swarning:%s ", S_C(C_WARN), S_C(C_OFF));
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    /* each quote reads the file again: the first few warnings only, so
     * that a file of a million warnings costs no more than its reading */
    if (warnings <= QR_QUOTE_WARNINGS)
        S_quote(stderr, file, line, col);
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
