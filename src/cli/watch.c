/*
 * watch.c: quire watch [OPTIONS] [DIR | FILE...]: builds the book, then
 * again whenever one of its inputs changes (inotify(7)).
 *
 * What is watched: the project folder and every folder under it, hidden
 * ones and the output folder left out (so manuscripts, book.yaml,
 * stylesheets and images are seen wherever chapters: puts them); with
 * FILEs, each file's folder. Editors save by writing, by renaming a new
 * file over the old, or both: any of these is a change. A burst of events
 * (a save, a `git checkout`) is coalesced into one build once the folders
 * have been quiet for QR_WATCH_QUIET_MS. Each build prints one line on
 * stdout with its time; its diagnostics go to stderr as a build's do. A
 * failed build writes nothing (each book is replaced whole or not at all),
 * so dist/ keeps the last good book. Ctrl-C between builds stops at once
 * with status 0; during one, it stops it as it stops quire build (the
 * temporary file removed).
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "typeset/layoutcache.h"

#define QR_WATCH_QUIET_MS 150
/* folders below the project watched, at most (inotify watches cost kernel memory) */
#define QR_WATCH_MAX_DIRS 4096
#define QR_WATCH_MAX_DEPTH 8

static volatile sig_atomic_t S_stop, S_building;

static void S_on_signal(int sig)
{
    if (S_building) {
        /* as quire build: no temporary file left, then the signal's death */
        qr_tmp_cleanup();
        signal(sig, SIG_DFL);
        raise(sig);
        return;
    }
    S_stop = 1;
}

typedef struct watcher {
    int fd;
    char **dirs; /* by watch descriptor; owned */
    int n_dirs;    /* the size of dirs */
    int n_watched; /* folders watched */
    /* the output's real path (a folder, or -o's file), never a change;
     * owned or NULL */
    char *out_real;
} watcher;

static void S_add(watcher *w, const char *dir, int depth);

/* Whether a name is an editor's or the system's own, not an input. */
static int S_ignored_name(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || name[0] == '.' || name[n - 1] == '~')
        return 1;
    if (strcmp(name, "4913") == 0) /* vim's probe file */
        return 1;
    return (n > 4 && (strcmp(name + n - 4, ".swp") == 0 || strcmp(name + n - 4, ".tmp") == 0)) ||
           strstr(name, ".tmp.") != NULL;
}

/* Whether dir is the output (by real path). */
static int S_is_out(const watcher *w, const char *dir)
{
    if (!w->out_real)
        return 0;
    char *real = realpath(dir, NULL);
    int is = real && strcmp(real, w->out_real) == 0;
    free(real);
    return is;
}

static void S_add(watcher *w, const char *dir, int depth)
{
    if (w->n_watched >= QR_WATCH_MAX_DIRS || S_is_out(w, dir))
        return;
    int wd = inotify_add_watch(w->fd, dir,
                               IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE |
                                   IN_DELETE | IN_ONLYDIR);
    if (wd < 0)
        return;
    if (wd >= w->n_dirs) {
        w->dirs = xrealloc(w->dirs, sizeof *w->dirs * (size_t)(wd + 1));
        for (int i = w->n_dirs; i <= wd; i++)
            w->dirs[i] = NULL;
        w->n_dirs = wd + 1;
    }
    if (!w->dirs[wd])
        w->n_watched++;
    free(w->dirs[wd]);
    w->dirs[wd] = xstrdup(dir);
    if (depth >= QR_WATCH_MAX_DEPTH)
        return;
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    qr_buf sub = QR_BUF_INIT;
    while ((e = readdir(d))) {
        if (S_ignored_name(e->d_name))
            continue;
        qr_buf_reset(&sub);
        qr_buf_addf(&sub, "%s/%s", dir, e->d_name);
        struct stat st;
        if (lstat(sub.ptr, &st) == 0 && S_ISDIR(st.st_mode))
            S_add(w, sub.ptr, depth + 1);
    }
    qr_buf_release(&sub);
    closedir(d);
}

/* The folders to watch: the project's tree, or each FILE's folder. */
static void S_watch_inputs(watcher *w, int argc, char **argv)
{
    struct stat st;
    if (argc == 0 || (argc == 1 && stat(argv[0], &st) == 0 && S_ISDIR(st.st_mode))) {
        S_add(w, argc ? argv[0] : ".", 0);
        return;
    }
    for (int i = 0; i < argc; i++) {
        char *copy = xstrdup(argv[i]);
        char *slash = strrchr(copy, '/');
        if (slash == copy)
            copy[1] = '\0';
        else if (slash)
            *slash = '\0';
        S_add(w, slash ? copy : ".", QR_WATCH_MAX_DEPTH);
        free(copy);
    }
}

/*
 * Waits for a change and then for quiet; *what names the first file that
 * changed (owned by the caller's buffer). Returns 1 on a change, 0 when
 * asked to stop, -1 on an error of inotify.
 */
static int S_wait(watcher *w, qr_buf *what)
{
    char buf[16384] __attribute__((aligned(__alignof__(struct inotify_event))));
    int changed = 0;
    qr_buf_reset(what);
    while (!S_stop) {
        struct pollfd pfd = {w->fd, POLLIN, 0};
        int r = poll(&pfd, 1, changed ? QR_WATCH_QUIET_MS : -1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -1;
        if (r == 0)
            return 1; /* quiet after a change */
        ssize_t n = read(w->fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        for (char *p = buf; p < buf + n;) {
            struct inotify_event *ev = (struct inotify_event *)p;
            p += sizeof *ev + ev->len;
            if (ev->mask & IN_Q_OVERFLOW) {
                changed = 1;
                continue;
            }
            if (ev->len == 0 || S_ignored_name(ev->name) || ev->wd < 0 || ev->wd >= w->n_dirs ||
                !w->dirs[ev->wd])
                continue;
            qr_buf path = QR_BUF_INIT;
            qr_buf_addf(&path, "%s/%s", w->dirs[ev->wd], ev->name);
            if (S_is_out(w, path.ptr)) {
                qr_buf_release(&path);
                continue;
            }
            /* a new folder is watched too */
            if ((ev->mask & (IN_CREATE | IN_MOVED_TO)) && (ev->mask & IN_ISDIR))
                S_add(w, path.ptr, 1);
            /* named: the last file of the burst that is there (an editor's
             * temporary file, renamed over the manuscript, is not); else
             * the first (a deletion) */
            struct stat st;
            if (!what->len || (!(ev->mask & (IN_DELETE | IN_MOVED_FROM)) &&
                               stat(path.ptr, &st) == 0 && S_ISREG(st.st_mode))) {
                qr_buf_reset(what);
                qr_buf_adds(what, path.ptr);
            }
            qr_buf_release(&path);
            changed = 1;
        }
    }
    return 0;
}

/* One build, and its line: the time, what changed, the outcome, and how
 * many paragraphs the layout cache gave back (on the first build, those a
 * book repeats). */
static void S_build(int argc, char **argv, const options *opt, const char *what)
{
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    S_building = 1;
    int rc = qr_cli_run(CMD_BUILD, argc, argv, opt);
    S_building = 0;
    qr_layout_cache_end_build(opt->print.cache, rc != 0);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    size_t reused, total;
    qr_layout_cache_counts(opt->print.cache, &reused, &total);
    char cached[64] = "";
    if (total > 0)
        snprintf(cached, sizeof cached, " (%zu of %zu paragraphs reused)", reused, total);
    qr_note("the layout cache keeps %zu paragraphs for the next build",
            qr_layout_cache_kept(opt->print.cache));
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    char stamp[16];
    strftime(stamp, sizeof stamp, "%H:%M:%S", &tm);
    if (rc == 0)
        printf("[%s] %s%sbuilt in %.2f s%s\n", stamp, what ? what : "", what ? " changed: " : "",
               secs, cached);
    else
        printf("[%s] %s%sbuild failed (exit %d) in %.2f s; the last good book stays\n", stamp,
               what ? what : "", what ? " changed: " : "", rc, secs);
    fflush(stdout);
}

int qr_cli_watch(int argc, char **argv, const options *cli_opt)
{
    options opt = *cli_opt;
    opt.print.cache = NULL;
    if (opt.check) {
        fprintf(stderr, "quire: error: watch writes the book; --check is for quire build\n");
        return QR_EX_USAGE;
    }
    for (int i = 0; i < argc; i++)
        if (strcmp(argv[i], "-") == 0) {
            fprintf(stderr, "quire: error: watch cannot read standard input again; give "
                            "files or a folder\n");
            return QR_EX_USAGE;
        }
    watcher w = {.fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK)};
    if (w.fd < 0) {
        fprintf(stderr, "quire: error: cannot watch for changes: %s\n", strerror(errno));
        return QR_EX_IOERR;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = S_on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    /* the output folder: -o's, else DIR/dist or ./dist */
    qr_buf out = QR_BUF_INIT;
    struct stat st;
    int project = argc == 0 || (argc == 1 && stat(argv[0], &st) == 0 && S_ISDIR(st.st_mode));
    if (opt.out_file) {
        const char *slash = strrchr(opt.out_file, '/');
        if (slash)
            qr_buf_add(&out, opt.out_file, (size_t)(slash - opt.out_file));
        else
            qr_buf_adds(&out, ".");
    } else if (opt.out_dir)
        qr_buf_adds(&out, opt.out_dir);
    else
        qr_buf_addf(&out, "%s/dist", project && argc ? argv[0] : ".");
    /* each build sets again only the paragraphs that changed */
    opt.print.cache = qr_layout_cache_new();
    S_build(argc, argv, &opt, NULL);
    /* after the first build, the output exists: its folder is not watched
     * (or, for -o NAME.epub, the events of that file are left out) */
    if (opt.out_file)
        w.out_real = realpath(opt.out_file, NULL);
    else
        w.out_real = realpath(out.ptr, NULL);
    S_watch_inputs(&w, argc, argv);
    if (qr_log_level() >= QR_LOG_NORMAL) {
        printf("quire: watching %d folder%s; Ctrl-C stops\n", w.n_watched,
               w.n_watched == 1 ? "" : "s");
        fflush(stdout);
    }
    qr_buf what = QR_BUF_INIT;
    int rc = QR_EX_OK, r;
    while ((r = S_wait(&w, &what)) > 0) {
        S_build(argc, argv, &opt, what.ptr);
    }
    if (r < 0) {
        fprintf(stderr, "quire: error: watching for changes failed: %s\n", strerror(errno));
        rc = QR_EX_IOERR;
    }
    close(w.fd);
    for (int i = 0; i < w.n_dirs; i++)
        free(w.dirs[i]);
    free(w.dirs);
    free(w.out_real);
    qr_layout_cache_free(opt.print.cache);
    qr_buf_release(&what);
    qr_buf_release(&out);
    return rc;
}
