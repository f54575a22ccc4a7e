/*
 * read.h: readers. Each turns one input into nodes of the document model,
 * through the builder (doc.h).
 */
#ifndef QR_READ_H
#define QR_READ_H

#include "../doc/doc.h"

enum {
    /* This is the book's first input: its title line or Gutenberg header
     * gives the book's title and metadata. */
    QR_READ_FIRST = 1 << 0,
    /* The book is this one input: a Markdown file's front matter is the
     * book's metadata (title, author...), not only its chapter's title. */
    QR_READ_SINGLE = 1 << 1,
};

/*
 * Checks a manuscript's bytes before any reader parses them: at most 256 MB,
 * no NUL or control character (but tab, CR and form feed), valid UTF-8,
 * no U+FFFE or U+FFFF. Returns 0, or -1 with err set (QR_EX_DATAERR) at
 * the first bad character's line:col.
 */
int qr_read_check(const char *file, const char *data, size_t len, qr_error *err);

/*
 * Reads a plain-text manuscript (UTF-8, optional BOM, LF or CRLF) and
 * appends its chapters to doc. Project Gutenberg texts are recognised by
 * their header. `file` names the input in diagnostics and must outlive doc.
 * Returns 0, or -1 with err set (QR_EX_DATAERR for bad input).
 */
int qr_read_text(qr_doc *doc, const char *file, const char *data, size_t len, int flags,
                 qr_error *err);

/*
 * Heading rules the author gives (book.yaml `headings:`), for plain text: a
 * candidate line (the first line of a block of one or two lines set apart by
 * blank lines) whose text matches `pattern` (a POSIX extended regular
 * expression, matched ignoring case) or equals one of `lines` (both trimmed)
 * is a heading of `level`: 1 a chapter, 2 a section. They come before the
 * built-in rules; with `builtin_off` only they make headings.
 */
typedef struct qr_heading_rule {
    const char *pattern; /* NULL: lines only */
    const char **lines;
    int n_lines;
    int level;
    int line, col; /* where the pattern was given (for diagnostics) */
} qr_heading_rule;

typedef struct qr_heading_rules {
    const qr_heading_rule *rules; /* borrowed; n 0: none */
    int n;
    int builtin_off;
    const char *file; /* the manifest, as named in diagnostics */
} qr_heading_rules;

/* qr_read_text with heading rules (NULL: none). A pattern that does not
 * compile is an error at its line:col in rules->file (QR_EX_DATAERR). */
int qr_read_text_with(qr_doc *doc, const char *file, const char *data, size_t len, int flags,
                      const qr_heading_rules *rules, qr_error *err);

/*
 * Reads a Markdown manuscript (CommonMark with GitHub's tables,
 * strikethrough, autolinks and footnotes, smart punctuation; cmark-gfm) and
 * appends its chapters to doc: each h1 opens a chapter; text before the
 * first h1 is a chapter of its own. A YAML front matter block at the top
 * (between `---` lines) gives the chapter's title (`title:`) or, with
 * QR_READ_SINGLE, the book's metadata. Raw HTML is kept as text, with a
 * warning. IMAGE nodes are left unresolved (see qr_resolve_images).
 * `file` names the input in diagnostics and must outlive doc. Returns 0,
 * or -1 with err set (QR_EX_DATAERR for bad input).
 */
int qr_read_markdown(qr_doc *doc, const char *file, const char *data, size_t len, int flags,
                     qr_error *err);

/*
 * Resolves every IMAGE of doc (resource.c). A URL with a scheme (http:,
 * data:...) is never fetched: a warning, and the IMAGE is replaced by its
 * alt text. Any other URL is a path relative to its manuscript's folder,
 * which must stay inside `project_dir` (or, when it is NULL, inside the
 * manuscript's own folder): `..` above it, an absolute path or a symlink
 * leading out are errors (QR_EX_DATAERR); a missing file is QR_EX_NOINPUT;
 * a file that is not a whole PNG or JPEG, or is larger than
 * QR_IMAGE_MAX_BYTES, QR_IMAGE_MAX_SIDE pixels a side or
 * QR_IMAGE_MAX_PIXELS in all, is QR_EX_DATAERR. Errors are at the
 * IMAGE's FILE:LINE:COL. Each distinct file is read once into one
 * qr_image (in the document's arena) shared by its nodes; its name is its
 * path relative to the project, normalised, and unique in the book.
 * Returns 0, or -1 with err set.
 */
#define QR_IMAGE_MAX_BYTES (32 * 1024 * 1024)
#define QR_IMAGE_MAX_SIDE 10000
#define QR_IMAGE_MAX_PIXELS 40000000L
int qr_resolve_images(qr_doc *doc, const char *project_dir, qr_error *err);

/*
 * Curls the quotes of the book's metadata as the readers do for the text
 * ("The Cartographer's Notebook" -> The Cartographer’s Notebook), whoever
 * gave it: a manuscript's header or front matter, or book.yaml. Dashes and
 * ellipses too. Identifiers, dates and languages are left alone.
 */
void qr_read_smarten_meta(qr_doc *doc);

#endif
