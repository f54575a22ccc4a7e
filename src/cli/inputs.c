/* inputs.c: the inputs of one book (a project folder or FILEs), read into
 * the document. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <unistd.h>

#include "cli/cli.h"
#include "read/read.h"

/* Inputs ------------------------------------------------------------------ */

static int S_cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void S_inputs_add(inputs *in, const char *path)
{
    in->paths = xrealloc(in->paths, sizeof(char *) * (size_t)(in->n + 1));
    in->paths[in->n++] = xstrdup(path);
}

void qr_cli_inputs_free(inputs *in)
{
    for (int i = 0; i < in->n; i++)
        free(in->paths[i]);
    free(in->paths);
    free(in->project);
}

/* Whether a folder entry is a manuscript: not hidden, not a backup. */
static int S_is_manuscript_name(const char *name)
{
    size_t len = strlen(name);
    if (name[0] == '.' || len == 0 || name[len - 1] == '~')
        return 0;
    return 1;
}

static int S_collect_dir(const char *dir, inputs *in, qr_error *err)
{
    qr_buf seeds = QR_BUF_INIT;
    qr_buf_addf(&seeds, "%s/seeds", dir);
    /* a linked seeds/ must stay inside the project too (and a dangling
     * or looping link says so, not that there is no folder) */
    struct stat lst;
    int linked = lstat(seeds.ptr, &lst) == 0 && S_ISLNK(lst.st_mode);
    if (linked && qr_path_check_dir_inside(dir, seeds.ptr, err) < 0) {
        char why[sizeof err->msg];
        snprintf(why, sizeof why, "%s", err->msg);
        if (err->sys_errno)
            qr_error_sys(err, QR_EX_NOINPUT, err->sys_errno, seeds.ptr,
                         "cannot open the manuscript folder");
        else
            qr_error_set(err, err->code, seeds.ptr, 0, 0, "the manuscript folder %.900s", why);
        qr_buf_release(&seeds);
        return -1;
    }
    DIR *d = opendir(seeds.ptr);
    if (!d && errno == ENOENT) {
        qr_error_set(err, QR_EX_NOINPUT, seeds.ptr, 0, 0,
                     "no manuscript folder: put the manuscripts in %s/, pass them as files "
                     "(quire build FILE...), or list them under chapters: in %s/book.yaml",
                     seeds.ptr, dir);
        qr_buf_release(&seeds);
        return -1;
    }
    if (!d) {
        qr_error_sys(err, QR_EX_NOINPUT, errno, seeds.ptr, "cannot open the manuscript folder");
        qr_buf_release(&seeds);
        return -1;
    }
    if (!linked && qr_path_check_dir_inside(dir, seeds.ptr, err) < 0) {
        closedir(d);
        qr_buf_release(&seeds);
        return -1;
    }
    char **names = NULL;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!S_is_manuscript_name(e->d_name))
            continue;
        names = xrealloc(names, sizeof(char *) * (size_t)(n + 1));
        names[n++] = xstrdup(e->d_name);
    }
    closedir(d);
    if (n > 1)
        qsort(names, (size_t)n, sizeof(char *), S_cmp_str);
    qr_buf path = QR_BUF_INIT;
    for (int i = 0; i < n; i++) {
        qr_buf_reset(&path);
        qr_buf_addf(&path, "%s/%s", seeds.ptr, names[i]);
        /* files, and links (the reader resolves and checks them: a
         * dangling link or a loop is an error, not a file left out) */
        struct stat st;
        if (lstat(path.ptr, &st) == 0 &&
            (S_ISREG(st.st_mode) ||
             (S_ISLNK(st.st_mode) && (stat(path.ptr, &st) < 0 || !S_ISDIR(st.st_mode)))))
            S_inputs_add(in, path.ptr);
        free(names[i]);
    }
    free(names);
    qr_buf_release(&path);
    int rc = 0;
    if (in->n == 0)
        rc =
            qr_error_set(err, QR_EX_NOINPUT, seeds.ptr, 0, 0, "no manuscript files in this folder");
    qr_buf_release(&seeds);
    return rc;
}

static void S_newer(time_t *newest, const char *path)
{
    struct stat st;
    if (path && stat(path, &st) == 0 && st.st_mtime > *newest)
        *newest = st.st_mtime;
}

/*
 * A project folder's manifest, DIR/book.yaml, when there is one (man is
 * left zeroed when there is none). Its strings live in the arena `a`.
 */
static int S_read_manifest(const char *dir, inputs *in, qr_manifest *man, qr_arena *a,
                           qr_error *err)
{
    qr_buf path = QR_BUF_INIT;
    struct stat st;
    int rc = 0;
    if (strcmp(dir, ".") == 0)
        qr_buf_adds(&path, "book.yaml");
    else
        qr_buf_addf(&path, "%s/book.yaml", dir);
    if (lstat(path.ptr, &st) == 0) {
        qr_note("reading %s", path.ptr);
        rc = qr_manifest_read(dir, path.ptr, man, a, err);
        S_newer(&in->newest, path.ptr);
        S_newer(&in->newest, man->cover.path);
        S_newer(&in->newest, man->stylesheet.path);
    }
    qr_buf_release(&path);
    return rc;
}

int qr_cli_collect(int argc, char **argv, inputs *in, qr_manifest *man, qr_arena *a,
                     qr_error *err)
{
    struct stat st;
    if (argc == 0 || (argc == 1 && stat(argv[0], &st) == 0 && S_ISDIR(st.st_mode))) {
        const char *dir = argc ? argv[0] : ".";
        in->project = xstrdup(dir);
        if (S_read_manifest(dir, in, man, a, err) < 0)
            return -1;
        /* chapters: in the manifest replaces the listing of seeds/ */
        for (int i = 0; i < man->n_chapters; i++)
            S_inputs_add(in, man->chapters[i].path);
        if (in->n > 0)
            return 0;
        return S_collect_dir(dir, in, err);
    }
    int stdin_seen = 0;
    for (int i = 0; i < argc; i++) {
        /* `-`: a manuscript on standard input, once */
        if (strcmp(argv[i], "-") == 0) {
            if (stdin_seen++)
                return qr_error_set(err, QR_EX_USAGE, NULL, 0, 0,
                                    "standard input (-) can be read only once");
            S_inputs_add(in, argv[i]);
            continue;
        }
        if (stat(argv[i], &st) < 0)
            return qr_error_sys(err, QR_EX_NOINPUT, errno, argv[i], "cannot open");
        if (S_ISDIR(st.st_mode))
            return qr_error_set(err, QR_EX_NOINPUT, argv[i], 0, 0,
                                "is a directory; give one project folder, or manuscript files");
        S_inputs_add(in, argv[i]);
    }
    return 0;
}

/* Reading ----------------------------------------------------------------- */

/* Whether path names a Markdown manuscript: .md or .markdown, any case. */
static int S_is_markdown(const char *path)
{
    const char *dot = strrchr(path, '.');
    const char *slash = strrchr(path, '/');
    if (!dot || (slash && dot < slash))
        return 0;
    char ext[10];
    size_t n = 0;
    for (const char *p = dot + 1; *p && n + 1 < sizeof ext; p++)
        ext[n++] = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
    ext[n] = '\0';
    return strlen(dot + 1) == n && (strcmp(ext, "md") == 0 || strcmp(ext, "markdown") == 0);
}

/* Reads every input, in order, into doc (Markdown or plain text by the
 * file's name), then resolves the images. Returns 0, or -1 with err set. */
/* Reads standard input whole (at most QR_STDIN_MAX bytes). */
#define QR_STDIN_MAX (512u * 1024 * 1024)
static int S_read_stdin(qr_buf *out, time_t *mtime, qr_error *err)
{
    struct stat st;
    /* the time of a file redirected in; of a pipe, its making (now) */
    if (fstat(STDIN_FILENO, &st) == 0)
        *mtime = st.st_mtime;
    char chunk[65536];
    for (;;) {
        ssize_t n = read(STDIN_FILENO, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return qr_error_sys(err, QR_EX_IOERR, errno, QR_STDIN_NAME, "cannot read");
        if (n == 0)
            return 0;
        if (out->len + (size_t)n > QR_STDIN_MAX)
            return qr_error_set(err, QR_EX_DATAERR, QR_STDIN_NAME, 0, 0,
                                "more than %u MB on standard input", QR_STDIN_MAX >> 20);
        qr_buf_add(out, chunk, (size_t)n);
    }
}

int qr_cli_read_book(const inputs *in, int from, const qr_heading_rules *headings, qr_doc *doc,
                     time_t *newest, qr_error *err)
{
    qr_buf data = QR_BUF_INIT;
    *newest = 0;
    for (int i = 0; i < in->n; i++) {
        const char *path = in->paths[i];
        qr_note("reading %s", path);
        qr_buf_reset(&data);
        int is_stdin = strcmp(path, "-") == 0;
        if (is_stdin) {
            time_t t = 0;
            if (S_read_stdin(&data, &t, err) < 0)
                goto fail;
            if (t > *newest)
                *newest = t;
        } else {
            /* inside the project, or a file given alone inside its folder */
            if (qr_read_file_inside(in->project, path, SIZE_MAX, &data, err) < 0)
                goto fail;
            struct stat st;
            if (stat(path, &st) == 0 && st.st_mtime > *newest)
                *newest = st.st_mtime;
        }
        const char *file = qr_arena_strdup(qr_doc_arena(doc), is_stdin ? QR_STDIN_NAME : path);
        int flags = (i == 0 ? QR_READ_FIRST : 0) | (in->n == 1 ? QR_READ_SINGLE : 0);
        /* --from beats the file's name; standard input is plain text unless
         * --from markdown */
        int markdown = from == FROM_AUTO ? !is_stdin && S_is_markdown(path) : from == FROM_MARKDOWN;
        if (markdown) {
            if (qr_read_markdown(doc, file, data.ptr, data.len, flags, err) < 0)
                goto fail;
        } else if (qr_read_text_with(doc, file, data.ptr, data.len, flags, headings, err) < 0) {
            goto fail;
        }
    }
    qr_buf_release(&data);
    /* images: relative to their manuscript, inside the project (or, for
     * files given one by one, inside each manuscript's folder) */
    return qr_resolve_images(doc, in->project, err);
fail:
    qr_buf_release(&data);
    return -1;
}
