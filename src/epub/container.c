/*
 * container.c: qr_epub_write and the OCF container (EPUB 3.3 "Open
 * Container Format"), a zip built in memory with libzip.
 *
 * Order of work: plan the book (book.c); write every XML file into its own
 * buffer (package.c, xhtml.c); add them to the zip in a fixed order; close
 * the zip (libzip compresses now); copy the bytes out of the zip source.
 *
 * Reproducible: entry order, time stamps (opt->modified, in UTC wall-clock
 * time), attributes and compression levels are fixed, and no extra fields
 * are written, so the same document and options give the same bytes.
 */
#include <string.h>
#include <time.h>
#include <zip.h>

#include "epub_internal.h"

/* Deflate level for everything but mimetype (zlib: 1 fastest .. 9 best).
 * On War and Peace, 9 saves 0.05% of the size for about 10% more time;
 * on Moby-Dick, 4 takes a quarter less time than 6 (0.06 s of CPU against
 * 0.08 s) for 0.9% more bytes. */
#define S_DEFLATE_LEVEL 4

typedef struct S_dos_time {
    zip_uint16_t time, date;
} S_dos_time;

/* MS-DOS date and time fields (as in APPNOTE.TXT 4.4.6) of t, read as UTC:
 * years 1980..2107, two-second steps. */
static S_dos_time S_dos(time_t t)
{
    struct tm tm;
    if (t < 315532800) /* 1980-01-01T00:00:00Z, the floor of DOS dates */
        t = 315532800;
    if ((long long)t > 4354819198LL) /* 2107-12-31T23:59:58Z, the ceiling */
        t = (time_t)4354819198LL;
    gmtime_r(&t, &tm);
    S_dos_time d;
    d.time = (zip_uint16_t)(tm.tm_hour << 11 | tm.tm_min << 5 | tm.tm_sec / 2);
    d.date = (zip_uint16_t)((tm.tm_year + 1900 - 1980) << 9 | (tm.tm_mon + 1) << 5 | tm.tm_mday);
    return d;
}

static int S_zip_fail(qr_error *err, zip_t *za, const char *what, const char *name)
{
    return qr_error_set(err, QR_EX_SOFTWARE, NULL, 0, 0, "libzip: %s %s: %s", what, name,
                        za ? zip_strerror(za) : "unknown error");
}

/* Adds data (which must stay alive until the archive is closed) as name. */
static int S_add_level(zip_t *za, const char *name, const void *data, size_t len, int store,
                       zip_uint32_t level, S_dos_time dos, qr_error *err)
{
    zip_source_t *s = zip_source_buffer(za, data, len, 0);
    if (!s)
        return S_zip_fail(err, za, "cannot add", name);
    zip_int64_t idx = zip_file_add(za, name, s, ZIP_FL_ENC_GUESS);
    if (idx < 0) {
        zip_source_free(s);
        return S_zip_fail(err, za, "cannot add", name);
    }
    zip_uint64_t i = (zip_uint64_t)idx;
    /* EPUB 3.3 OCF: entries are stored or deflated; mimetype is stored. */
    if (zip_set_file_compression(za, i, store ? ZIP_CM_STORE : ZIP_CM_DEFLATE, store ? 0 : level) <
            0 ||
        zip_file_set_dostime(za, i, dos.time, dos.date, 0) < 0 ||
        zip_file_set_external_attributes(za, i, 0, ZIP_OPSYS_UNIX, 0100644u << 16) < 0 ||
        zip_file_extra_field_delete(za, i, ZIP_EXTRA_FIELD_ALL, ZIP_FL_CENTRAL | ZIP_FL_LOCAL) < 0)
        return S_zip_fail(err, za, "cannot set up", name);
    return 0;
}

static int S_add(zip_t *za, const char *name, const void *data, size_t len, int store,
                 S_dos_time dos, qr_error *err)
{
    return S_add_level(za, name, data, len, store, S_DEFLATE_LEVEL, dos, err);
}

/* Whether a resource name can be used as a file name and a URL as it is. */
static int S_name_ok(const char *s)
{
    size_t n = 0;
    if (!s || !*s || *s == '.')
        return 0;
    for (; s[n]; n++) {
        char c = s[n];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '-' || c == '_'))
            return 0;
    }
    return n <= 100;
}

int qr_epub_write(const qr_doc *doc, const qr_epub_options *opt, qr_buf *out, qr_error *err)
{
    int rc = -1;
    qr_epub_book bk;
    qr_xw x;
    qr_buf *files = NULL; /* container.xml, opf, nav, ncx, then one per unit */
    int n_files = 0;
    zip_source_t *src = NULL;
    zip_t *za = NULL;
    zip_error_t ze;
    qr_buf name = QR_BUF_INIT;

    memset(&bk, 0, sizeof bk);
    qr_xw_init(&x);
    zip_error_init(&ze);

    if (!opt || !opt->stylesheet || !S_name_ok(opt->stylesheet->name) ||
        (opt->n_fonts > 0 && !opt->fonts) || opt->n_fonts < 0) {
        qr_error_set(err, QR_EX_SOFTWARE, NULL, 0, 0,
                     "EPUB writer: a stylesheet with a plain file name is required");
        goto cleanup;
    }
    if (opt->code_font && (!S_name_ok(opt->code_font->name) || !opt->code_font->data)) {
        qr_error_set(err, QR_EX_SOFTWARE, NULL, 0, 0,
                     "EPUB writer: the code font needs its bytes and a plain file name");
        goto cleanup;
    }
    for (int i = 0; i < opt->n_fonts; i++)
        if (!S_name_ok(opt->fonts[i].name)) {
            qr_error_set(err, QR_EX_SOFTWARE, NULL, 0, 0,
                         "EPUB writer: font file name '%s' is not a plain file name",
                         opt->fonts[i].name ? opt->fonts[i].name : "(null)");
            goto cleanup;
        }
    if (opt->n_pages < 0 || (opt->n_pages > 0 && !opt->pages)) {
        qr_error_set(err, QR_EX_SOFTWARE, NULL, 0, 0, "EPUB writer: pages without a list");
        goto cleanup;
    }
    for (int i = 0; i < opt->n_pages; i++) {
        /* a page's label makes its marker's id, "page-LABEL": letters and digits */
        const char *l = opt->pages[i].label;
        size_t k = 0;
        while (l && ((l[k] >= '0' && l[k] <= '9') || (l[k] >= 'a' && l[k] <= 'z') ||
                     (l[k] >= 'A' && l[k] <= 'Z')))
            k++;
        if (!opt->pages[i].node || !l || k == 0 || l[k] || k > 24) {
            qr_error_set(err, QR_EX_SOFTWARE, NULL, 0, 0,
                         "EPUB writer: page %d needs a text node and a label of letters and "
                         "digits",
                         i + 1);
            goto cleanup;
        }
    }
    xmlInitParser();
    if (qr_epub_plan(&bk, doc, opt, err) < 0)
        goto cleanup;

    /* files: 0..3 the package's XML, 4.. one per unit, then the cover page
     * (when there is a cover), the title page, the copyright page and the
     * code font's stylesheet (when it is embedded) */
    n_files = 8 + bk.n_units;
    files = xmalloc(sizeof *files * (size_t)n_files);
    for (int i = 0; i < n_files; i++)
        qr_buf_init(&files[i]);
    /* the chapters first: the package and the navigation list the print
     * pages whose markers they hold */
    for (int i = 0; i < bk.n_units; i++) {
        if (qr_epub_write_chapter(&bk, &bk.units[i], &x, &files[4 + i], err) < 0)
            goto cleanup;
        if (opt->progress)
            opt->progress(opt->progress_ctx, i + 1, bk.n_units);
    }
    if (qr_epub_write_container_xml(&x, &files[0], err) < 0 ||
        qr_epub_write_opf(&bk, &x, &files[1], err) < 0 ||
        qr_epub_write_nav(&bk, &x, &files[2], err) < 0 ||
        qr_epub_write_ncx(&bk, &x, &files[3], err) < 0)
        goto cleanup;
    qr_buf *cover_page = &files[4 + bk.n_units], *title_page = &files[5 + bk.n_units];
    qr_buf *copyright_page = &files[6 + bk.n_units], *code_css = &files[7 + bk.n_units];
    if (bk.cover_href && qr_epub_write_cover(&bk, &x, cover_page, err) < 0)
        goto cleanup;
    if ((!bk.own_title_page && qr_epub_write_titlepage(&bk, &x, title_page, err) < 0) ||
        qr_epub_write_copyright(&bk, &x, copyright_page, err) < 0)
        goto cleanup;
    if (qr_epub_code_font(&bk))
        qr_epub_code_css(&bk, code_css);

    /* The container: a zip in memory. The source is kept (a second
     * reference) so its bytes can be read after zip_close. */
    src = zip_source_buffer_create(NULL, 0, 0, &ze);
    if (!src) {
        qr_error_set(err, QR_EX_SOFTWARE, NULL, 0, 0, "libzip: %s", zip_error_strerror(&ze));
        goto cleanup;
    }
    za = zip_open_from_source(src, ZIP_TRUNCATE, &ze);
    if (!za) {
        qr_error_set(err, QR_EX_SOFTWARE, NULL, 0, 0, "libzip: %s", zip_error_strerror(&ze));
        goto cleanup;
    }
    zip_source_keep(src);

    S_dos_time dos = S_dos(opt->modified);
    static const char mimetype[] = "application/epub+zip";
    /* EPUB 3.3 OCF: mimetype is the first entry, stored, with no extra
     * field, and holds exactly "application/epub+zip". */
    if (S_add(za, "mimetype", mimetype, sizeof mimetype - 1, 1, dos, err) < 0 ||
        S_add(za, "META-INF/container.xml", files[0].ptr, files[0].len, 0, dos, err) < 0 ||
        S_add(za, QR_EPUB_DIR QR_EPUB_OPF, files[1].ptr, files[1].len, 0, dos, err) < 0 ||
        S_add(za, QR_EPUB_DIR QR_EPUB_NAV, files[2].ptr, files[2].len, 0, dos, err) < 0 ||
        S_add(za, QR_EPUB_DIR QR_EPUB_NCX, files[3].ptr, files[3].len, 0, dos, err) < 0)
        goto cleanup;
    qr_buf_adds(&name, QR_EPUB_DIR);
    qr_buf_adds(&name, bk.css_href);
    if (S_add(za, name.ptr, opt->stylesheet->data, opt->stylesheet->len, 0, dos, err) < 0)
        goto cleanup;
    if (qr_epub_code_font(&bk) &&
        S_add(za, QR_EPUB_DIR QR_EPUB_CODE_CSS, code_css->ptr, code_css->len, 0, dos, err) < 0)
        goto cleanup;
    if (bk.cover_href) {
        const qr_meta *m = qr_doc_meta_const(doc);
        qr_buf_reset(&name);
        qr_buf_addf(&name, QR_EPUB_DIR "%s", bk.cover_href);
        /* images are compressed already: stored */
        if (S_add(za, name.ptr, m->cover_data, m->cover_len, 1, dos, err) < 0 ||
            S_add(za, QR_EPUB_DIR QR_EPUB_COVER_PAGE, cover_page->ptr, cover_page->len, 0, dos,
                  err) < 0)
            goto cleanup;
    }
    for (int i = 0; i < opt->n_fonts; i++) {
        qr_buf_reset(&name);
        qr_buf_addf(&name, QR_EPUB_DIR QR_EPUB_FONT_DIR "%s", opt->fonts[i].name);
        /* Fonts are the same bytes in every book and compress little: the
         * fastest level saves a tenth of Moby-Dick's build for 2% of size. */
        if (S_add_level(za, name.ptr, opt->fonts[i].data, opt->fonts[i].len, 0, 1, dos, err) < 0)
            goto cleanup;
    }
    if (qr_epub_code_font(&bk)) {
        qr_buf_reset(&name);
        qr_buf_addf(&name, QR_EPUB_DIR QR_EPUB_FONT_DIR "%s", opt->code_font->name);
        if (S_add_level(za, name.ptr, opt->code_font->data, opt->code_font->len, 0, 1, dos, err) <
            0)
            goto cleanup;
    }
    for (int i = 0; i < bk.n_images; i++) {
        qr_buf_reset(&name);
        qr_buf_addf(&name, QR_EPUB_DIR "%s", bk.images[i].href);
        /* images are compressed already: stored, not deflated */
        const qr_image *img = bk.images[i].image;
        if (S_add(za, name.ptr, img->data, img->len, 1, dos, err) < 0)
            goto cleanup;
    }
    if ((!bk.own_title_page && S_add(za, QR_EPUB_DIR QR_EPUB_TITLE_PAGE, title_page->ptr,
                                     title_page->len, 0, dos, err) < 0) ||
        S_add(za, QR_EPUB_DIR QR_EPUB_COPYRIGHT_PAGE, copyright_page->ptr, copyright_page->len, 0,
              dos, err) < 0)
        goto cleanup;
    for (int i = 0; i < bk.n_units; i++) {
        qr_buf_reset(&name);
        qr_buf_addf(&name, QR_EPUB_DIR "%s", bk.units[i].href);
        if (S_add(za, name.ptr, files[4 + i].ptr, files[4 + i].len, 0, dos, err) < 0)
            goto cleanup;
    }
    if (zip_close(za) < 0) {
        S_zip_fail(err, za, "cannot write", "the EPUB container");
        goto cleanup;
    }
    za = NULL;

    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_source_stat(src, &st) < 0 || !(st.valid & ZIP_STAT_SIZE) || zip_source_open(src) < 0) {
        qr_error_set(err, QR_EX_SOFTWARE, NULL, 0, 0, "libzip: cannot read the container: %s",
                     zip_error_strerror(zip_source_error(src)));
        goto cleanup;
    }
    qr_buf_grow(out, (size_t)st.size);
    size_t start = out->len;
    for (;;) {
        zip_int64_t n = zip_source_read(src, out->ptr + out->len, out->cap - out->len - 1);
        if (n < 0) {
            qr_error_set(err, QR_EX_IOERR, NULL, 0, 0, "libzip: cannot read the container: %s",
                         zip_error_strerror(zip_source_error(src)));
            zip_source_close(src);
            qr_buf_truncate(out, start);
            goto cleanup;
        }
        if (n == 0)
            break;
        out->len += (size_t)n;
        if (out->len + 1 >= out->cap)
            qr_buf_grow(out, 4096);
    }
    out->ptr[out->len] = '\0';
    zip_source_close(src);
    rc = 0;

cleanup:
    if (za)
        zip_discard(za);
    if (src)
        zip_source_free(src);
    zip_error_fini(&ze);
    for (int i = 0; i < n_files; i++)
        qr_buf_release(&files[i]);
    free(files);
    qr_buf_release(&name);
    qr_xw_release(&x);
    if (bk.arena)
        qr_epub_book_free(&bk);
    return rc;
}
