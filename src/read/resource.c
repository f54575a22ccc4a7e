/*
 * resource.c: the images a manuscript names, found and checked.
 *
 * For each IMAGE of the document, in order:
 *   1. a URL with a scheme (http:, https:, data:...) or a network path
 *      (//host/...) is never fetched, so a book builds the same offline
 *      and nothing remote gets in: a warning, and the image's alt text is
 *      set in its place;
 *   2. any other URL is a path (percent escapes decoded) relative to the
 *      manuscript's folder. It is normalised against the root (the project
 *      folder, or the manuscript's own folder when files were given):
 *      absolute paths and `..` above the root are refused as written, and
 *      the file is then resolved (realpath) and must still be inside, and
 *      is opened once, as resolved (qr_path_open_inside);
 *   3. the file is read (at most QR_IMAGE_MAX_BYTES), must be a PNG or a
 *      JPEG within QR_IMAGE_MAX_SIDE and QR_IMAGE_MAX_PIXELS, and complete
 *      (qr_image_verify decodes it);
 *   4. one qr_image per distinct file (by its resolved path), shared by
 *      every IMAGE that names it, named by its path inside the root.
 *
 * The document model keeps a node's line, not its column: for a message,
 * the column is found again on that line of the manuscript, where the URL
 * is written.
 */
#include <errno.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "read.h"

typedef struct S_known {
    char *real;      /* owned: the resolved path */
    qr_image *image; /* arena */
} S_known;

typedef struct S_res {
    qr_doc *doc;
    const char *project_dir; /* NULL: each manuscript's folder is its root */
    char *project_real;      /* owned: realpath of project_dir, ending in '/' */
    S_known *known;
    int n_known;
    int cap_known;
    /* the manuscript last read back for a column */
    char *col_file;
    qr_buf col_data;
    qr_error *err;
} S_res;

/* The column where `url` (else "![") is written on line `line` of `file`;
 * 0 when the file or the line cannot be read. */
static int S_column(S_res *r, const char *file, int line, const char *url)
{
    if (!file || line <= 0)
        return 0;
    if (!r->col_file || strcmp(r->col_file, file) != 0) {
        qr_error e;
        free(r->col_file);
        r->col_file = xstrdup(file);
        qr_buf_reset(&r->col_data);
        if (qr_read_file_inside(r->project_dir, file, SIZE_MAX, &r->col_data, &e) != 0)
            qr_buf_reset(&r->col_data);
    }
    const char *s = r->col_data.ptr, *end = s + r->col_data.len;
    for (int i = 1; i < line && s < end; i++) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        s = nl ? nl + 1 : end;
    }
    if (s >= end)
        return 0;
    const char *eol = memchr(s, '\n', (size_t)(end - s));
    size_t len = eol ? (size_t)(eol - s) : (size_t)(end - s);
    const char *hit = NULL;
    size_t ul = strlen(url);
    for (size_t i = 0; ul > 0 && i + ul <= len && !hit; i++)
        if (memcmp(s + i, url, ul) == 0)
            hit = s + i;
    for (size_t i = 0; !hit && i + 1 < len; i++)
        if (s[i] == '!' && s[i + 1] == '[')
            hit = s + i;
    if (!hit)
        return 0;
    int col = 1;
    for (const char *p = s; p < hit; p++)
        if (((unsigned char)*p & 0xC0) != 0x80)
            col++;
    return col;
}

static int S_fail(S_res *r, const qr_node *n, int code, const char *fmt, ...) QR_PRINTF(4, 5);

/* Sets the error at the IMAGE node n; returns -1. */
static int S_fail(S_res *r, const qr_node *n, int code, const char *fmt, ...)
{
    char msg[900];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    int line;
    const char *file = qr_node_source(n, &line);
    const char *url = qr_node_url(n);
    return qr_error_set(r->err, code, file, line, S_column(r, file, line, url ? url : ""), "%s",
                        msg);
}

/* Whether url names a remote resource: a scheme (RFC 3986 3.1: a letter,
 * then letters, digits, '+', '-', '.', then ':'), or a network path. */
static int S_is_remote(const char *url)
{
    if (url[0] == '/' && url[1] == '/')
        return 1;
    if (!((url[0] >= 'a' && url[0] <= 'z') || (url[0] >= 'A' && url[0] <= 'Z')))
        return 0;
    const char *p = url + 1;
    while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
           *p == '+' || *p == '-' || *p == '.')
        p++;
    return *p == ':';
}

static int S_hex(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* The path a URL names: percent escapes decoded. Returns -1 on an escaped
 * NUL, which no path holds. */
static int S_decode(const char *url, qr_buf *out)
{
    for (const char *p = url; *p; p++) {
        int hi, lo;
        if (p[0] == '%' && (hi = S_hex(p[1])) >= 0 && (lo = S_hex(p[2])) >= 0) {
            if (hi == 0 && lo == 0)
                return -1;
            qr_buf_addc(out, (char)(hi * 16 + lo));
            p += 2;
        } else {
            qr_buf_addc(out, *p);
        }
    }
    return 0;
}

/* Joins TEXT node b to TEXT node a, its previous sibling. */
static void S_join_text(qr_doc *doc, qr_node *a, qr_node *b)
{
    size_t la, lb;
    const char *ta = qr_node_text(a, &la), *tb = qr_node_text(b, &lb);
    qr_buf t = QR_BUF_INIT;
    qr_buf_add(&t, ta, la);
    qr_buf_add(&t, tb, lb);
    qr_node_set_text(doc, a, t.ptr, t.len);
    qr_buf_release(&t);
    qr_node_unlink(b);
}

/* An IMAGE that is not fetched: its alt text (its children) in its place,
 * joined to the text around it as the builder would have. */
static void S_replace_by_alt(qr_doc *doc, qr_node *image)
{
    qr_node *c, *before = qr_node_prev(image), *after = qr_node_next(image);
    while ((c = qr_node_first_child(image)))
        qr_node_insert_before(image, c);
    qr_node_unlink(image);
    qr_node *first = before ? qr_node_next(before) : NULL;
    if (first && first != after && qr_node_get_type(before) == QR_NODE_TEXT &&
        qr_node_get_type(first) == QR_NODE_TEXT)
        S_join_text(doc, before, first);
    qr_node *last = after ? qr_node_prev(after) : NULL;
    if (last && qr_node_get_type(last) == QR_NODE_TEXT && qr_node_get_type(after) == QR_NODE_TEXT)
        S_join_text(doc, last, after);
}

/* Arena: name, or name with "-2", "-3"... before its extension, so that no
 * two files of the book share one name. */
static const char *S_unique_name(S_res *r, const char *name)
{
    qr_arena *a = qr_doc_arena(r->doc);
    const char *dot = strrchr(name, '.');
    const char *slash = strrchr(name, '/');
    if (dot && slash && dot < slash)
        dot = NULL;
    size_t stem = dot ? (size_t)(dot - name) : strlen(name);
    const char *cand = qr_arena_strdup(a, name);
    for (int k = 2;; k++) {
        int taken = 0;
        for (int i = 0; i < r->n_known && !taken; i++)
            taken = strcmp(r->known[i].image->name, cand) == 0;
        if (!taken)
            return cand;
        cand = qr_arena_printf(a, "%.*s-%d%s", (int)stem, name, k, dot ? dot : "");
    }
}

/* Reads from fd (not closed here), checks and keeps the file `real`
 * (inside the root) as an image. */
static const qr_image *S_load(S_res *r, const qr_node *n, const char *url, int fd, const char *real,
                              const char *name)
{
    for (int i = 0; i < r->n_known; i++)
        if (strcmp(r->known[i].real, real) == 0)
            return r->known[i].image;
    qr_buf data = QR_BUF_INIT;
    qr_error e;
    const qr_image *result = NULL;
    int rc = qr_read_fd(fd, real, QR_IMAGE_MAX_BYTES, &data, &e);
    if (rc < 0) {
        S_fail(r, n, e.code, "image '%s': %s", url, e.msg);
        goto done;
    }
    if (rc == 1) {
        S_fail(r, n, QR_EX_DATAERR, "image '%s' is larger than %d MiB", url,
               QR_IMAGE_MAX_BYTES / (1024 * 1024));
        goto done;
    }
    int w, h;
    const char *type = qr_image_sniff(data.ptr, data.len, &w, &h);
    if (!type) {
        S_fail(r, n, QR_EX_DATAERR, "image '%s' is not a PNG or JPEG image", url);
        goto done;
    }
    if (w > QR_IMAGE_MAX_SIDE || h > QR_IMAGE_MAX_SIDE || (long)w * (long)h > QR_IMAGE_MAX_PIXELS) {
        S_fail(r, n, QR_EX_DATAERR,
               "image '%s' is %dx%d pixels; an image may have at most %d pixels a side and %ld "
               "million in all",
               url, w, h, QR_IMAGE_MAX_SIDE, QR_IMAGE_MAX_PIXELS / 1000000);
        goto done;
    }
    const char *why;
    if (qr_image_verify(data.ptr, data.len, type, &why) < 0) {
        S_fail(r, n, QR_EX_DATAERR, "image '%s': %s", url, why);
        goto done;
    }
    qr_arena *a = qr_doc_arena(r->doc);
    qr_image *img = qr_arena_alloc(a, sizeof *img);
    char *bytes = qr_arena_alloc(a, data.len ? data.len : 1);
    memcpy(bytes, data.ptr, data.len);
    img->name = S_unique_name(r, name);
    img->data = bytes;
    img->len = data.len;
    img->type = type;
    img->width = w;
    img->height = h;
    if (r->n_known == r->cap_known) {
        r->cap_known = r->cap_known ? r->cap_known * 2 : 8;
        r->known = xrealloc(r->known, (size_t)r->cap_known * sizeof *r->known);
    }
    r->known[r->n_known].real = xstrdup(real);
    r->known[r->n_known].image = img;
    r->n_known++;
    result = img;
done:
    qr_buf_release(&data);
    return result;
}

/* One IMAGE node. */
static int S_resolve(S_res *r, qr_node *n)
{
    const char *url = qr_node_url(n);
    int line;
    const char *file = qr_node_source(n, &line);
    if (!url || !*url)
        return S_fail(r, n, QR_EX_DATAERR, "an image without a path");
    if (S_is_remote(url)) {
        qr_warn(file, line, S_column(r, file, line, url),
                "image '%s' is not fetched (quire reads no remote resources); its "
                "description is set in its place",
                url);
        S_replace_by_alt(r->doc, n);
        return 0;
    }
    int rc = -1, fd = -1;
    char *mdir_real = NULL, *real = NULL;
    qr_buf path = QR_BUF_INIT, rel = QR_BUF_INIT, norm = QR_BUF_INIT, full = QR_BUF_INIT;
    const char *where = r->project_dir ? "the project folder" : "the manuscript's folder";

    if (S_decode(url, &path) < 0) {
        S_fail(r, n, QR_EX_DATAERR, "image '%s': an escaped NUL (%%00) in its path", url);
        goto done;
    }
    if (path.ptr[0] == '/') {
        S_fail(r, n, QR_EX_DATAERR,
               "image '%s' is an absolute path; images are named relative to the manuscript's "
               "folder",
               url);
        goto done;
    }
    /* the manuscript's folder, and the root that holds it */
    char *copy = xstrdup(file ? file : ".");
    mdir_real = qr_path_real_dir(dirname(copy));
    free(copy);
    if (!mdir_real) {
        S_fail(r, n, QR_EX_NOINPUT, "image '%s': cannot find the manuscript's folder: %s", url,
               strerror(errno));
        goto done;
    }
    const char *root = r->project_real ? r->project_real : mdir_real;
    size_t rl = strlen(root);
    if (strncmp(mdir_real, root, rl) == 0)
        qr_buf_adds(&rel, mdir_real + rl); /* "seeds/" or "" */
    qr_buf_adds(&rel, path.ptr);
    int lex = qr_path_normalize(rel.ptr, &norm);
    if (lex < 0 || norm.len == 0) {
        S_fail(r, n, QR_EX_DATAERR, "image '%s' leaves %s", url, where);
        goto done;
    }
    qr_buf_addf(&full, "%s%s", root, norm.ptr);
    qr_error e;
    fd = qr_path_open_inside(root, r->project_dir ? "the project" : "the manuscript's folder",
                             full.ptr, &real, &e);
    if (fd < 0) {
        if (e.sys_errno == ENOENT || e.sys_errno == ENOTDIR)
            S_fail(r, n, QR_EX_NOINPUT, "image '%s': no such file", url);
        else
            S_fail(r, n, e.code, "image '%s': %s", url, e.msg);
        goto done;
    }
    const qr_image *img = S_load(r, n, url, fd, real, norm.ptr);
    if (!img)
        goto done;
    qr_node_set_image(n, img);
    rc = 0;
done:
    if (fd >= 0)
        close(fd);
    free(mdir_real);
    free(real);
    qr_buf_release(&path);
    qr_buf_release(&rel);
    qr_buf_release(&norm);
    qr_buf_release(&full);
    return rc;
}

int qr_resolve_images(qr_doc *doc, const char *project_dir, qr_error *err)
{
    S_res r;
    memset(&r, 0, sizeof r);
    r.doc = doc;
    r.project_dir = project_dir;
    r.err = err;
    qr_buf_init(&r.col_data);
    int rc = -1;
    qr_node **images = NULL;
    size_t n = 0, cap = 0;

    /* gathered first: a remote image is taken out of the tree */
    qr_iter it;
    qr_iter_init(&it, qr_doc_root(doc));
    qr_event ev;
    while ((ev = qr_iter_next(&it)) != QR_EV_DONE) {
        qr_node *node = qr_iter_node(&it);
        if (ev != QR_EV_ENTER || qr_node_get_type(node) != QR_NODE_IMAGE)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            images = xrealloc(images, cap * sizeof *images);
        }
        images[n++] = node;
    }
    if (n == 0) {
        rc = 0;
        goto done;
    }
    if (project_dir) {
        r.project_real = qr_path_real_dir(project_dir);
        if (!r.project_real) {
            qr_error_sys(err, QR_EX_NOINPUT, errno, project_dir, "cannot open the project folder");
            goto done;
        }
    }
    for (size_t i = 0; i < n; i++)
        if (S_resolve(&r, images[i]) < 0)
            goto done;
    rc = 0;
done:
    free(images);
    for (int i = 0; i < r.n_known; i++)
        free(r.known[i].real);
    free(r.known);
    free(r.project_real);
    free(r.col_file);
    qr_buf_release(&r.col_data);
    return rc;
}
