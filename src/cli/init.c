/*
 * init.c: quire init [DIR] [--title T] [--author A]: a new project folder
 * that builds at once. book.yaml names every key the manifest knows, each
 * commented (the optional ones commented out); seeds/01-first-chapter.md
 * shows the Markdown quire understands; styles/ holds a copy of the EPUB
 * stylesheet, images/ is for the pictures; .gitignore leaves dist/ out.
 * Nothing is overwritten: a file already there stops it before anything is
 * written (exit 73, naming the file).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"

static const char S_manifest[] =
    "# book.yaml: what the book is and how it is made. Every key is optional;\n"
    "# the command line's options win over this file (quire --help, man quire).\n"
    "# Paths are relative to this folder and may not leave it.\n"
    "\n"
    "title: %s\n"
    "# subtitle: A Subtitle\n"
    "author: %s                      # or a list: [A. Writer, {name: B. Other, role: trl}]\n"
    "                                  # roles: aut (author), edt, trl, ill\n"
    "language: en                      # a BCP 47 tag: en, fr, de, pt-BR, ja...\n"
    "# isbn: 978-0-00-000000-2         # the book's unique identifier, unless identifier: is given\n"
    "# identifier: urn:uuid:...        # otherwise one is derived from the content\n"
    "# publisher: A Press\n"
    "# date: 2026-01-31                # YYYY, YYYY-MM or YYYY-MM-DD\n"
    "# rights: (c) 2026 A. Writer\n"
    "# description: What the book is about, in a sentence or two.\n"
    "# subjects: [fiction, the sea]\n"
    "# series: {name: A Series, position: 1}\n"
    "# cover: images/cover.jpg         # a PNG or JPEG: the first page of both editions\n"
    "\n"
    "# The manuscripts in reading order; without chapters:, seeds/* in name order.\n"
    "# chapters: [seeds/01-first-chapter.md]\n"
    "\n"
    "# Plain-text manuscripts: lines that are headings when quire's rules miss\n"
    "# them (quire dump --why shows its decisions). Markdown's # headings are\n"
    "# already explicit. pattern: a POSIX extended regex, any case; lines: exact\n"
    "# lines; level 1 a chapter, 2 a section; rules: off leaves only these.\n"
    "# headings:\n"
    "#   - {pattern: '^Stave [IVX]+', level: 1}\n"
    "#   - {lines: [The Moral], level: 2}\n"
    "#   - {rules: off}\n"
    "\n"
    "print:                            # the PDF edition\n"
    "  trim: a5                        # a5, a4, letter, 5.5x8.5in, 6x9in, or WxH (140x216mm)\n"
    "  margins: {inner: 20mm, outer: 16mm, top: 18mm, bottom: 22mm}\n"
    "  font: EB Garamond 12            # a fontconfig family (quire --list-fonts)\n"
    "  size: 11pt\n"
    "  leading: 14pt                   # from baseline to baseline\n"
    "\n"
    "epub:\n"
    "  # stylesheet: styles/epub.css   # this folder's copy, to edit, instead of quire's own\n"
    "\n"
    "# The EPUB's accessibility metadata: each key given replaces quire's default.\n"
    "accessibility:\n"
    "  # summary: A novel in prose, read well by screen readers.\n"
    "  # features: [structuralNavigation, tableOfContents, readingOrder]\n"
    "  # hazards: [none]\n"
    "  # access_modes: [textual]\n"
    "  # access_modes_sufficient: [textual]\n"
    "  # conforms_to: EPUB Accessibility 1.1 - WCAG 2.2 Level AA\n";

static const char S_chapter[] =
    "# The First Chapter\n"
    "\n"
    "Each `#` heading opens a chapter; this file is the first. Write in plain\n"
    "paragraphs, separated by blank lines; lines wrapped by hand are joined.\n"
    "Quotes become \"curly\", -- an en dash, --- an em dash, and ... an ellipsis.\n"
    "\n"
    "## A section\n"
    "\n"
    "Text can be *emphasised*, **strong**, ~~struck out~~ or `code`, and a\n"
    "[link](https://example.org) keeps its address. A footnote is marked so.[^1]\n"
    "\n"
    "> A block quote, for an epigraph or a letter.\n"
    "\n"
    "- a bulleted list\n"
    "- of two items\n"
    "\n"
    "1. a numbered one\n"
    "2. with its numbers\n"
    "\n"
    "***\n"
    "\n"
    "Three asterisks on a line of their own make a scene break. A table:\n"
    "\n"
    "| month | light |\n"
    "| :---- | ----: |\n"
    "| June  | 17 h  |\n"
    "| December | 7 h |\n"
    "\n"
    "A picture in images/ is shown with `![what it shows](../images/picture.png)`\n"
    "(PNG or JPEG). The next chapter goes in seeds/02-second-chapter.md.\n"
    "\n"
    "[^1]: The note's text, set at the foot of the page in print and linked in the\n"
    "    e-book.\n";

static const char S_gitignore[] = "# what quire build writes\n/dist/\n";

/* A YAML double-quoted scalar of s; -1 when s has a control character. */
static int S_yaml_quote(const char *s, qr_buf *out)
{
    qr_buf_addc(out, '"');
    for (const char *p = s; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c < 0x20 || c == 0x7F)
            return -1;
        if (c == '"' || c == '\\')
            qr_buf_addc(out, '\\');
        qr_buf_addc(out, (char)c);
    }
    qr_buf_addc(out, '"');
    return 0;
}

/* Writes a new file, never over one (O_EXCL). */
static int S_create(const char *path, const char *data, size_t len, qr_error *err)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0)
        return qr_error_sys(err, QR_EX_CANTCREAT, errno, path,
                            errno == EEXIST ? "already exists; quire init overwrites nothing"
                                            : "cannot create");
    size_t done = 0;
    while (done < len) {
        ssize_t n = write(fd, data + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int e = errno;
            close(fd);
            return qr_error_sys(err, QR_EX_IOERR, e, path, "cannot write");
        }
        done += (size_t)n;
    }
    if (close(fd) < 0)
        return qr_error_sys(err, QR_EX_IOERR, errno, path, "cannot write");
    return 0;
}

static int S_mkdir(const char *path, qr_error *err)
{
    struct stat st;
    if (mkdir(path, 0777) == 0)
        return 0;
    if (errno == EEXIST && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return 0;
    return qr_error_sys(err, QR_EX_CANTCREAT, errno == EEXIST ? ENOTDIR : errno, path,
                        "cannot create the folder");
}

int qr_cli_init(int argc, char **argv, const char *title, const char *author)
{
    qr_error err;
    qr_error_clear(&err);
    if (argc > 1) {
        fprintf(stderr, "quire: error: quire init makes one folder, not %d\n", argc);
        return QR_EX_USAGE;
    }
    const char *dir = argc ? argv[0] : ".";
    enum { N_FILES = 4 };
    static const char *const rel[N_FILES] = {"book.yaml", "seeds/01-first-chapter.md",
                                             "styles/epub.css", ".gitignore"};
    static const char *const dirs[] = {"", "/seeds", "/styles", "/images"};
    qr_buf paths[N_FILES], data[N_FILES], t = QR_BUF_INIT, a = QR_BUF_INIT, d = QR_BUF_INIT;
    for (int i = 0; i < N_FILES; i++) {
        qr_buf_init(&paths[i]);
        qr_buf_init(&data[i]);
        qr_buf_addf(&paths[i], "%s/%s", dir, rel[i]);
    }
    int rc = -1;
    if (S_yaml_quote(title ? title : "The Title of the Book", &t) < 0 ||
        S_yaml_quote(author ? author : "The Author", &a) < 0) {
        qr_error_set(&err, QR_EX_USAGE, NULL, 0, 0,
                     "--title and --author are one line of text each");
        goto done;
    }
    /* nothing is written when any file is already there */
    for (int i = 0; i < N_FILES; i++) {
        struct stat st;
        if (lstat(paths[i].ptr, &st) == 0) {
            qr_error_set(&err, QR_EX_CANTCREAT, paths[i].ptr, 0, 0,
                         "already exists; quire init overwrites nothing");
            goto done;
        }
    }
    qr_buf_addf(&data[0], S_manifest, t.ptr, a.ptr);
    qr_buf_adds(&data[1], S_chapter);
    qr_cli_datadir(&d);
    qr_buf_adds(&d, "/styles/epub.css");
    if (qr_read_file(d.ptr, &data[2], &err) < 0)
        goto done;
    qr_buf_adds(&data[3], S_gitignore);
    for (size_t i = 0; i < QR_ARRAY_LEN(dirs); i++) {
        qr_buf_reset(&d);
        qr_buf_addf(&d, "%s%s", dir, dirs[i]);
        if (S_mkdir(d.ptr, &err) < 0)
            goto done;
    }
    for (int i = 0; i < N_FILES; i++)
        if (S_create(paths[i].ptr, data[i].ptr, data[i].len, &err) < 0)
            goto done;
    if (qr_log_level() >= QR_LOG_NORMAL)
        printf("quire: made the book in %s: edit %s/book.yaml and %s/seeds/, then run "
               "quire build%s%s\n",
               dir, dir, dir, strcmp(dir, ".") ? " " : "", strcmp(dir, ".") ? dir : "");
    rc = 0;
done:
    if (rc < 0)
        qr_error_print(&err);
    for (int i = 0; i < N_FILES; i++) {
        qr_buf_release(&paths[i]);
        qr_buf_release(&data[i]);
    }
    qr_buf_release(&t);
    qr_buf_release(&a);
    qr_buf_release(&d);
    return rc < 0 ? (err.code ? err.code : QR_EX_SOFTWARE) : QR_EX_OK;
}
