/*
 * base.h: memory, string buffers, arenas, errors and diagnostics shared by
 * every part of quire.
 *
 * Memory: xmalloc and friends never return NULL; out of memory prints a
 * message and aborts (STYLE.md, convention 5).
 */
#ifndef QR_BASE_H
#define QR_BASE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#define QR_UNUSED(x) ((void)(x))
#define QR_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#if defined(__GNUC__)
#define QR_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define QR_PRINTF(f, a)
#endif

/* Owned: the caller frees. Never NULL. */
void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *ptr, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/*
 * qr_buf: a growable byte string (after git's strbuf).
 *
 * Invariants: `ptr` is never NULL and always NUL-terminated at ptr[len];
 * `len < cap` once anything was allocated. A zero-initialised buffer
 * (QR_BUF_INIT) is valid and empty. qr_buf_detach hands the memory to the
 * caller and leaves the buffer empty.
 */
typedef struct qr_buf {
    char *ptr;
    size_t len;
    size_t cap;
} qr_buf;

extern char qr_buf_empty[];
#define QR_BUF_INIT {qr_buf_empty, 0, 0}

void qr_buf_init(qr_buf *b);
void qr_buf_grow(qr_buf *b, size_t extra);
void qr_buf_add(qr_buf *b, const void *data, size_t len);
void qr_buf_adds(qr_buf *b, const char *s);
void qr_buf_addc(qr_buf *b, int c);
void qr_buf_addf(qr_buf *b, const char *fmt, ...) QR_PRINTF(2, 3);
void qr_buf_vaddf(qr_buf *b, const char *fmt, va_list ap);
/* Appends the UTF-8 encoding of code point `cp`. */
void qr_buf_add_utf8(qr_buf *b, uint32_t cp);
void qr_buf_truncate(qr_buf *b, size_t len);
void qr_buf_reset(qr_buf *b);
/* Owned: returns the buffer's memory (never NULL); the buffer is left empty. */
char *qr_buf_detach(qr_buf *b, size_t *len);
void qr_buf_release(qr_buf *b);

/*
 * qr_arena: a bump allocator. Everything allocated from it is freed at once
 * by qr_arena_free. Allocations are aligned for any type.
 */
typedef struct qr_arena qr_arena;

qr_arena *qr_arena_new(void);
void qr_arena_free(qr_arena *a);
/* Arena: valid until qr_arena_free. Zeroed. Never NULL. */
void *qr_arena_alloc(qr_arena *a, size_t size);
/* Arena: a NUL-terminated copy of s[0..n). */
char *qr_arena_strndup(qr_arena *a, const char *s, size_t n);
char *qr_arena_strdup(qr_arena *a, const char *s);
char *qr_arena_printf(qr_arena *a, const char *fmt, ...) QR_PRINTF(2, 3);
/* Bytes handed out so far (for statistics and tests). */
size_t qr_arena_used(const qr_arena *a);

/* sysexits(3) codes used as quire's exit status. */
enum {
    QR_EX_OK = 0,
    QR_EX_USAGE = 64,
    QR_EX_DATAERR = 65,
    QR_EX_NOINPUT = 66,
    QR_EX_SOFTWARE = 70,
    QR_EX_CANTCREAT = 73,
    QR_EX_IOERR = 74,
};

/*
 * qr_error: what went wrong, where (after libzip's zip_error_t).
 * Functions that can fail return -1 or NULL and fill one of these.
 * `file` may be NULL; `line` and `col` are 1-based, 0 when unknown.
 */
typedef struct qr_error {
    int code;      /* a QR_EX_* exit code; 0 means no error */
    int sys_errno; /* errno when a system call failed, else 0 */
    int line;
    int col;
    char file[1024];
    char msg[1024];
} qr_error;

void qr_error_clear(qr_error *err);
/* Sets err (if err is not NULL); returns -1 so callers can `return qr_error_set(...)`. */
int qr_error_set(qr_error *err, int code, const char *file, int line, int col,
                 const char *fmt, ...) QR_PRINTF(6, 7);
/* Like qr_error_set, with `sys_errno` and ": strerror(sys_errno)" appended. */
int qr_error_sys(qr_error *err, int code, int sys_errno, const char *file,
                 const char *fmt, ...) QR_PRINTF(5, 6);
/* Prints `FILE:LINE:COL: error: MSG` (gcc style) to stderr, then the source
 * line with a caret under the column when both are known. */
void qr_error_print(const qr_error *err);

/* Colour in diagnostics: AUTO (the default) on a terminal unless NO_COLOR
 * is set or TERM is dumb; set once by the command line (--color). */
enum { QR_COLOR_AUTO, QR_COLOR_ALWAYS, QR_COLOR_NEVER };
void qr_diag_set_color(int mode);

/*
 * Diagnostics on stderr, gcc style. The level is process-wide: the command
 * line sets it once (quiet hides warnings and notes, verbose shows notes).
 */
enum { QR_LOG_QUIET = 0, QR_LOG_NORMAL = 1, QR_LOG_VERBOSE = 2 };
void qr_log_set_level(int level);
int qr_log_level(void);
void qr_warn(const char *file, int line, int col, const char *fmt, ...) QR_PRINTF(4, 5);
void qr_note(const char *fmt, ...) QR_PRINTF(1, 2);
/* Number of warnings issued so far. */
unsigned qr_warning_count(void);

/*
 * UTF-8. qr_utf8_check validates s[0..len); on failure it returns -1 and
 * sets *line and *col (1-based; col counts characters) at the first bad
 * byte. qr_utf8_decode reads one code point from a *valid* string and
 * returns its length in bytes (1..4).
 */
int qr_utf8_check(const char *s, size_t len, int *line, int *col);
int qr_utf8_decode(const char *s, size_t len, uint32_t *cp);

/*
 * Files. qr_read_file reads a whole regular file (owned, NUL-terminated).
 * qr_write_file_atomic writes `data` to a temporary file in the folder of
 * `path`, syncs it and renames it over `path`: `path` is either the old
 * file or the whole new one, never a part. The temporary is named
 * PATH.tmp.PID.XXXXXX; those of PATH whose process is gone (killed by
 * SIGKILL) are removed first, those of running processes left alone.
 */
int qr_read_file(const char *path, qr_buf *out, qr_error *err);
int qr_write_file_atomic(const char *path, const void *data, size_t len, qr_error *err);

/*
 * Reads a regular file of at most `max` bytes into out, checking its size
 * before reading a byte (so a huge file costs nothing). Returns 0, 1 when
 * the file is larger (nothing useful read), or -1 with err set
 * (QR_EX_NOINPUT when it cannot be opened or is not a regular file).
 */
int qr_read_file_bounded(const char *path, size_t max, qr_buf *out, qr_error *err);
/* qr_read_file_bounded on a descriptor already open (not closed here). */
int qr_read_fd(int fd, const char *path, size_t max, qr_buf *out, qr_error *err);

/*
 * Paths that must stay inside a folder: the manifest's paths and the
 * images of the manuscripts (path.c).
 *
 * qr_path_normalize normalises a relative path lexically into out ("." and
 * empty segments dropped, ".." removes the segment before it): returns 0;
 * -1 for an absolute path (out untouched); -2 when ".." climbs above where
 * the path starts.
 * qr_path_real_dir: owned, realpath(dir) ending in '/', or NULL with errno.
 *
 * A file read for a book is opened by qr_path_open_inside: `path` is
 * resolved (realpath) and must lie inside `root` (a qr_path_real_dir
 * result: a prefix check with the trailing slash, so /book-old is not inside
 * /book); it is opened once, without following links, and the descriptor
 * is checked to be that file (no link swapped in between). A link loop, a
 * dangling link, a link leaving the root ("links outside WHERE to REAL",
 * 65, unless qr_path_set_allow_outside), a folder and a special file each
 * have their message. Returns the descriptor, *real (owned, may be NULL)
 * set; or -1 with err set without a file (the caller says where).
 * qr_read_file_inside reads path so opened, inside `dir` (the project
 * folder), or dir NULL: inside the folder path is named in; returns as
 * qr_read_file_bounded, err at `path`.
 * qr_path_check_dir_inside: 0 when the folder `path` resolves inside `dir`,
 * else -1 with err at path (a loop, a dangling link, a link leaving it).
 */
int qr_path_normalize(const char *rel, qr_buf *out);
char *qr_path_real_dir(const char *dir);
int qr_path_open_inside(const char *root, const char *where, const char *path, char **real,
                        qr_error *err);
int qr_read_file_inside(const char *dir, const char *path, size_t max, qr_buf *out,
                        qr_error *err);
int qr_path_check_dir_inside(const char *dir, const char *path, qr_error *err);
void qr_path_set_allow_outside(int on);

/*
 * Images (image.c). qr_image_sniff reads the headers of a PNG (the IHDR
 * chunk) or a JPEG (the frame header before the first scan): it returns
 * the media type, "image/png" or "image/jpeg" (static), with the size in
 * pixels in *w and *h, or NULL when the bytes are neither.
 * qr_image_verify checks the whole image: a PNG is decoded by cairo (every
 * chunk's CRC, the zlib stream, IEND), a JPEG's segments and entropy-coded
 * data are walked to its EOI marker. Returns 0, or -1 with *why (static
 * text such as "truncated or corrupt PNG") set.
 */
const char *qr_image_sniff(const void *data, size_t len, int *w, int *h);
int qr_image_verify(const void *data, size_t len, const char *type, const char **why);

/*
 * Temporary files of this process that are still open for writing: a signal
 * handler removes them (qr_tmp_cleanup is async-signal-safe).
 */
void qr_tmp_register(const char *path);
void qr_tmp_unregister(const char *path);
void qr_tmp_cleanup(void);

/* Whether s has the shape of a BCP 47 language tag ("en", "pt-BR",
 * "zh-Hant-TW"): RFC 5646 2.1's subtags, not the registry. NULL: no. */
int qr_lang_tag_ok(const char *s);
/* Whether s is a W3CDTF date without a time (YYYY, YYYY-MM, YYYY-MM-DD),
 * a real day of its month: the form EPUB 3.3 asks of dc:date. NULL: no. */
int qr_w3c_date_ok(const char *s);

#endif
