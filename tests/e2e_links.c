/*
 * e2e_links.c: a project folder from a stranger cannot make quire read a
 * file outside it. Each case lays out a project (files, folders, links),
 * runs the quire command on it and checks the exit status, the message
 * (gcc style, at the file that led out) and the output folder: empty on an
 * error, one whole book on success. A link that stays inside is fine; one
 * that leaves, a loop and a dangling link are refused, each with its own
 * message, unless --allow-outside. Paths in a case are relative to its
 * scratch folder; an argument "@x" is the scratch folder's x.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test.h"

/* Declared in test.h too; repeated so this file builds warning-free alone. */
void suite_links(void);

/* One step of a case's setup. */
typedef struct S_op {
    char kind;        /* 'f' a file (arg: its text), 'd' a folder, 'l' a link to arg,
                       * 'p' a copy of the PNG fixture, 'n' a named pipe */
    const char *path; /* relative to the scratch folder */
    const char *arg;
} S_op;

#define S_MAX_OPS 8
#define S_MAX_ARGS 10

typedef struct S_case {
    const char *name;
    S_op ops[S_MAX_OPS];
    const char *args[S_MAX_ARGS]; /* after "quire"; "@x": the scratch folder's x */
    int status;
    const char *message; /* a part of stderr that must be there, or NULL */
    const char *dist;    /* the output folder, checked empty on error */
    const char *dump;    /* with status 0: a text `quire dump` must show, or NULL */
} S_case;

static const char chapter_a[] = "# A\n\nText of a.\n";
static const char secret[] = "# Secret\n\nSECRETWORD of the builder.\n";

static const S_case cases[] = {
    {"a link to /etc/passwd in seeds/ (the issue's case)",
     {{'f', "proj/seeds/a.md", chapter_a}, {'l', "proj/seeds/b.md", "/etc/passwd"}},
     {"build", "-f", "epub", "--no-page-list", "@proj"},
     65,
     "proj/seeds/b.md: error: links outside the project to /etc/passwd (--allow-outside lets "
     "it in)",
     "proj/dist",
     NULL},
    {"a link to a file of the builder, relative",
     {{'f', "proj/seeds/a.md", chapter_a},
      {'f', "outside/secret.md", secret},
      {'l', "proj/seeds/b.md", "../../outside/secret.md"}},
     {"build", "-f", "epub", "--no-page-list", "@proj"},
     65,
     "proj/seeds/b.md: error: links outside the project to /",
     "proj/dist",
     NULL},
    {"a link inside the project",
     {{'f', "proj/drafts/a.md", chapter_a},
      {'d', "proj/seeds", NULL},
      {'l', "proj/seeds/a.md", "../drafts/a.md"}},
     {"build", "-f", "epub", "--no-page-list", "@proj"},
     0,
     NULL,
     "proj/dist",
     "Text of a."},
    {"a link loop",
     {{'f', "proj/seeds/a.md", chapter_a},
      {'l', "proj/seeds/b.md", "c.md"},
      {'l', "proj/seeds/c.md", "b.md"}},
     {"build", "-f", "epub", "--no-page-list", "@proj"},
     66,
     "proj/seeds/b.md: error: is a link loop",
     "proj/dist",
     NULL},
    {"a link to itself",
     {{'f', "proj/seeds/a.md", chapter_a}, {'l', "proj/seeds/b.md", "b.md"}},
     {"build", "-f", "epub", "--no-page-list", "@proj"},
     66,
     "proj/seeds/b.md: error: is a link loop",
     "proj/dist",
     NULL},
    {"a dangling link",
     {{'f', "proj/seeds/a.md", chapter_a}, {'l', "proj/seeds/b.md", "gone.md"}},
     {"build", "-f", "epub", "--no-page-list", "@proj"},
     66,
     "proj/seeds/b.md: error: is a dangling link: its target 'gone.md' does not exist",
     "proj/dist",
     NULL},
    {"seeds/ a link to a folder outside",
     {{'f', "outside/seeds/a.md", chapter_a},
      {'d', "proj", NULL},
      {'l', "proj/seeds", "../outside/seeds"}},
     {"build", "-f", "epub", "--no-page-list", "@proj"},
     65,
     "proj/seeds: error: the manuscript folder links outside the project to /",
     "proj/dist",
     NULL},
    {"seeds/ a link to a folder inside",
     {{'f', "proj/drafts/a.md", chapter_a}, {'l', "proj/seeds", "drafts"}},
     {"build", "-f", "epub", "--no-page-list", "@proj"},
     0,
     NULL,
     "proj/dist",
     "Text of a."},
    {"seeds/ a dangling link",
     {{'d', "proj", NULL}, {'l', "proj/seeds", "nowhere"}},
     {"build", "-f", "epub", "--no-page-list", "@proj"},
     66,
     "proj/seeds: error: the manuscript folder is a dangling link: its target 'nowhere' does not "
     "exist",
     "proj/dist",
     NULL},
    {"an image linked outside",
     {{'f', "proj/seeds/a.md", "# A\n\nText.\n\n![p](images/p.png)\n"},
      {'p', "outside/p.png", NULL},
      {'l', "proj/seeds/images/p.png", "../../../outside/p.png"}},
     {"build", "-f", "epub", "--no-page-list", "@proj"},
     65,
     "proj/seeds/a.md:5:6: error: image 'images/p.png': links outside the project to /",
     "proj/dist",
     NULL},
    {"an image linked inside",
     {{'f', "proj/seeds/a.md", "# A\n\nText.\n\n![p](images/p.png)\n"},
      {'p', "proj/art/p.png", NULL},
      {'l', "proj/seeds/images/p.png", "../../art/p.png"}},
     {"build", "-f", "epub", "--no-page-list", "@proj"},
     0,
     NULL,
     "proj/dist",
     "Text."},
    {"a chapter of book.yaml linked outside",
     {{'f', "proj/book.yaml", "chapters: [seeds/a.md, seeds/b.md]\n"},
      {'f', "proj/seeds/a.md", chapter_a},
      {'f', "outside/secret.md", secret},
      {'l', "proj/seeds/b.md", "../../outside/secret.md"}},
     {"build", "-f", "epub", "--no-page-list", "@proj"},
     65,
     "proj/book.yaml:1:24: error: chapters: 'seeds/b.md' links outside the project to /",
     "proj/dist",
     NULL},
    {"the stylesheet of book.yaml linked outside",
     {{'f', "proj/book.yaml", "epub: {stylesheet: style.css}\n"},
      {'f', "proj/seeds/a.md", chapter_a},
      {'f', "outside/style.css", "p { color: red }\n"},
      {'l', "proj/style.css", "../outside/style.css"}},
     {"build", "-f", "epub", "--no-page-list", "@proj"},
     65,
     "proj/book.yaml:1:20: error: epub.stylesheet: 'style.css' links outside the project to /",
     "proj/dist",
     NULL},
    {"book.yaml itself linked outside",
     {{'f', "outside/book.yaml", "title: Not Ours\n"},
      {'f', "proj/seeds/a.md", chapter_a},
      {'l', "proj/book.yaml", "../outside/book.yaml"}},
     {"build", "-f", "epub", "--no-page-list", "@proj"},
     65,
     "proj/book.yaml: error: links outside the project to /",
     "proj/dist",
     NULL},
    {"a file given alone, linked out of its folder",
     {{'f', "outside/secret.md", secret}, {'l', "proj/seeds/b.md", "../../outside/secret.md"}},
     {"build", "-f", "epub", "--no-page-list", "-o", "@proj/dist", "@proj/seeds/b.md"},
     65,
     "proj/seeds/b.md: error: links outside its folder to /",
     "proj/dist",
     NULL},
    {"a link to a named pipe inside",
     {{'f', "proj/seeds/a.md", chapter_a},
      {'n', "proj/pipe", NULL},
      {'l', "proj/seeds/b.md", "../pipe"}},
     {"build", "-f", "epub", "--no-page-list", "@proj"},
     66,
     "proj/seeds/b.md: error: not a regular file",
     "proj/dist",
     NULL},
    {"dist/ a link to a folder outside",
     {{'f', "proj/seeds/a.md", chapter_a},
      {'d', "outside/dist", NULL},
      {'l', "proj/dist", "../outside/dist"}},
     {"build", "-f", "epub", "--no-page-list", "@proj"},
     65,
     "proj/dist: error: the output folder links outside the project to /",
     "outside/dist",
     NULL},
    {"--allow-outside lets a link out",
     {{'f', "proj/seeds/a.md", chapter_a},
      {'f', "outside/secret.md", secret},
      {'l', "proj/seeds/b.md", "../../outside/secret.md"}},
     {"build", "-f", "epub", "--no-page-list", "--allow-outside", "@proj"},
     0,
     "proj/seeds/b.md: warning: reads /",
     "proj/dist",
     "SECRETWORD"},
    {"--allow-outside does not mend a dangling link",
     {{'f', "proj/seeds/a.md", chapter_a}, {'l', "proj/seeds/b.md", "gone.md"}},
     {"build", "-f", "epub", "--no-page-list", "--allow-outside", "@proj"},
     66,
     "proj/seeds/b.md: error: is a dangling link",
     "proj/dist",
     NULL},
};

/* Makes the parent folders of path (below the scratch folder). */
static void S_mkdirs(const char *path)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        mkdir(buf, 0777);
        *p = '/';
    }
}

/* Lays out one step under dir; 0, or -1 (the case fails). */
static int S_apply(const char *dir, const S_op *op)
{
    qr_buf path = QR_BUF_INIT, data = QR_BUF_INIT;
    int rc = 0;
    qr_buf_addf(&path, "%s/%s", dir, op->path);
    S_mkdirs(path.ptr);
    switch (op->kind) {
    case 'f': rc = qt_write(path.ptr, op->arg, strlen(op->arg)); break;
    case 'd': rc = mkdir(path.ptr, 0777) < 0 && errno != EEXIST ? -1 : 0; break;
    case 'l': rc = symlink(op->arg, path.ptr); break;
    case 'n': rc = mkfifo(path.ptr, 0666); break;
    case 'p':
        rc = qt_read("tests/fixtures/manifest/book1/images/cover.png", &data);
        if (rc == 0)
            rc = qt_write(path.ptr, data.ptr, data.len);
        break;
    default: rc = -1;
    }
    if (rc < 0)
        qt_fail(__FILE__, __LINE__, "cannot make %c %s: %s", op->kind, path.ptr, strerror(errno));
    qr_buf_release(&path);
    qr_buf_release(&data);
    return rc;
}


/* Expands "@x" to dir/x into buf; returns the argument to pass. */
static const char *S_arg(const char *dir, const char *arg, qr_buf *buf)
{
    if (arg[0] != '@')
        return arg;
    qr_buf_reset(buf);
    qr_buf_addf(buf, "%s/%s", dir, arg + 1);
    return buf->ptr;
}

static void S_run_case(const S_case *c, int index)
{
    qr_buf dir = QR_BUF_INIT, dist = QR_BUF_INIT, out = QR_BUF_INIT;
    qr_buf bufs[S_MAX_ARGS];
    const char *args[S_MAX_ARGS + 1];
    qt_child r = {0};
    char name[64];
    snprintf(name, sizeof name, "links-%02d", index);
    qt_scratch(name, &dir);
    for (int i = 0; i < S_MAX_OPS && c->ops[i].kind; i++)
        if (S_apply(dir.ptr, &c->ops[i]) < 0)
            goto done;
    int n = 0;
    for (; n < S_MAX_ARGS && c->args[n]; n++) {
        qr_buf_init(&bufs[n]);
        args[n] = S_arg(dir.ptr, c->args[n], &bufs[n]);
    }
    args[n] = NULL;
    int status = qt_child_run(args, 0, 0, 0, 60, &r);
    for (int i = 0; i < n; i++)
        qr_buf_release(&bufs[i]);
    qr_buf_addf(&dist, "%s/%s", dir.ptr, c->dist);
    int entries = qt_entries(dist.ptr, NULL);
    if (status != c->status || (c->message && !strstr(r.err.ptr, c->message)))
        qt_fail(__FILE__, __LINE__, "%s: expected exit %d and \"%s\"\n  got exit %d and \"%s\"",
                c->name, c->status, c->message ? c->message : "", status, r.err.ptr);
    /* nothing written on an error; one book on success */
    if (c->status != 0 && entries > 0)
        qt_fail(__FILE__, __LINE__, "%s: %d files in %s after an error", c->name, entries,
                dist.ptr);
    if (c->status == 0 && entries != 1)
        qt_fail(__FILE__, __LINE__, "%s: %d files in %s, not one book", c->name, entries, dist.ptr);
    if (c->dump) {
        /* what the book holds: the same input, dumped */
        int allow = 0;
        for (int i = 0; c->args[i]; i++)
            allow |= strcmp(c->args[i], "--allow-outside") == 0;
        const char *argv[] = {qt_quire_path(), "dump", allow ? "--allow-outside" : "-q",
                              S_arg(dir.ptr, c->args[n - 1], &dist), NULL};
        if (qt_run(argv, NULL, &out, NULL) != 0 || !strstr(out.ptr, c->dump))
            qt_fail(__FILE__, __LINE__, "%s: quire dump does not show \"%s\"", c->name, c->dump);
    }
    if (c->status == 65 && strstr(c->message, "/etc/passwd") && strstr(r.err.ptr, "root:"))
        qt_fail(__FILE__, __LINE__, "%s: /etc/passwd's text in the message", c->name);
done:
    qr_buf_release(&dir);
    qr_buf_release(&dist);
    qr_buf_release(&out);
    qr_buf_release(&r.err);
}

static void test_links(void)
{
    for (size_t i = 0; i < QR_ARRAY_LEN(cases); i++)
        S_run_case(&cases[i], (int)i);
}

/*
 * A link swapped between a file inside and a file outside while quire
 * reads the project, again and again (check, then open, is a race a
 * stranger can win): every run either refuses the link or reads the file
 * inside; the outside file's text never gets into the book.
 */
typedef struct S_swapper {
    const char *link, *tmp;
    volatile int stop;
} S_swapper;

static void *S_swap(void *arg)
{
    S_swapper *s = arg;
    for (unsigned i = 0; !s->stop; i++) {
        unlink(s->tmp);
        if (symlink(i % 2 ? "../../outside/secret.md" : "../inside.md", s->tmp) == 0)
            rename(s->tmp, s->link); /* atomic: the link is always one or the other */
    }
    return NULL;
}

static void test_link_swapped(void)
{
    qr_buf dir = QR_BUF_INIT, p = QR_BUF_INIT, link = QR_BUF_INIT, tmp = QR_BUF_INIT;
    qr_buf out = QR_BUF_INIT, err = QR_BUF_INIT;
    qt_scratch("links-swap", &dir);
    qr_buf_addf(&p, "%s/outside/secret.md", dir.ptr);
    S_mkdirs(p.ptr);
    qt_write(p.ptr, secret, strlen(secret));
    qr_buf_reset(&p);
    qr_buf_addf(&p, "%s/proj/inside.md", dir.ptr);
    S_mkdirs(p.ptr);
    qt_write(p.ptr, chapter_a, strlen(chapter_a));
    qr_buf_addf(&link, "%s/proj/seeds/b.md", dir.ptr);
    qr_buf_addf(&tmp, "%s/proj/seeds/.b.tmp", dir.ptr);
    S_mkdirs(link.ptr);
    S_swapper s = {link.ptr, tmp.ptr, 0};
    symlink("../inside.md", link.ptr);
    pthread_t th;
    if (pthread_create(&th, NULL, S_swap, &s) != 0) {
        qt_fail(__FILE__, __LINE__, "pthread_create failed");
        goto done;
    }
    qr_buf_reset(&p);
    qr_buf_addf(&p, "%s/proj", dir.ptr);
    const char *argv[] = {qt_quire_path(), "dump", p.ptr, NULL};
    int refused = 0, read_inside = 0, leaked = 0;
    double start = qt_now();
    for (int i = 0; i < 200 && qt_now() - start < 20; i++) {
        qr_buf_reset(&out);
        qr_buf_reset(&err);
        int rc = qt_run(argv, NULL, &out, &err);
        if (strstr(out.ptr, "SECRETWORD"))
            leaked++;
        else if (rc == 0)
            read_inside++;
        else if (rc == 65 && strstr(err.ptr, "outside the project"))
            refused++;
        else if (rc == 65 && strstr(err.ptr, "changed while it was being opened"))
            refused++;
        else if (rc != 66) /* between unlink and rename the name may be missing */
            qt_fail(__FILE__, __LINE__, "exit %d: %s", rc, err.ptr);
    }
    s.stop = 1;
    pthread_join(th, NULL);
    if (qt_verbose())
        fprintf(stderr, "  swapped link: %d read inside, %d refused, %d leaked\n", read_inside,
                refused, leaked);
    CHECK_INT_EQ(leaked, 0);
    CHECK(read_inside + refused > 0);
done:
    qr_buf_release(&dir);
    qr_buf_release(&p);
    qr_buf_release(&link);
    qr_buf_release(&tmp);
    qr_buf_release(&out);
    qr_buf_release(&err);
}

void suite_links(void)
{
    qt_case("links/cases", test_links);
    qt_case("links/swapped", test_link_swapped);
}
