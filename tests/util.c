/* util.c: helpers for end-to-end tests: running programs, scratch folders,
 * files, and the external validators. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <hb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "test.h"

extern char **environ;

int qt_run(const char *const argv[], const char *const env[], qr_buf *out, qr_buf *err)
{
    int po[2], pe[2];
    if (pipe(po) < 0)
        return -1;
    if (pipe(pe) < 0) {
        close(po[0]);
        close(po[1]);
        return -1;
    }
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        int devnull = open("/dev/null", O_RDONLY);
        dup2(devnull, 0);
        dup2(po[1], 1);
        dup2(pe[1], 2);
        close(po[0]);
        close(pe[0]);
        for (const char *const *e = env; e && *e; e++)
            putenv((char *)*e);
        execvp(argv[0], (char *const *)argv);
        fprintf(stderr, "cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    close(po[1]);
    close(pe[1]);
    struct pollfd fds[2] = {{po[0], POLLIN, 0}, {pe[0], POLLIN, 0}};
    qr_buf *bufs[2] = {out, err};
    int open_fds = 2;
    char chunk[65536];
    while (open_fds > 0) {
        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        for (int i = 0; i < 2; i++) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            ssize_t n = read(fds[i].fd, chunk, sizeof chunk);
            if (n <= 0) {
                close(fds[i].fd);
                fds[i].fd = -1;
                open_fds--;
            } else if (bufs[i]) {
                qr_buf_add(bufs[i], chunk, (size_t)n);
            }
        }
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return -1;
}

const char *qt_scratch(const char *name, qr_buf *path)
{
    qr_buf_reset(path);
    qr_buf_addf(path, "tests/out/%s", name);
    mkdir("tests/out", 0777);
    const char *rm[] = {"rm", "-rf", path->ptr, NULL};
    qt_run(rm, NULL, NULL, NULL);
    mkdir(path->ptr, 0777);
    return path->ptr;
}

int qt_read(const char *path, qr_buf *out)
{
    qr_error err;
    return qr_read_file(path, out, &err);
}

int qt_write(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t n = fwrite(data, 1, len, f);
    return fclose(f) == 0 && n == len ? 0 : -1;
}

int qt_wait_for(const char *path, const char *needle, int count, int secs)
{
    for (int tries = 0; tries <= secs * 20; tries++) { /* once at least */
        qr_buf b = QR_BUF_INIT;
        int n = 0;
        if (qt_read(path, &b) == 0)
            for (const char *p = b.ptr; (p = strstr(p, needle)); p++)
                n++;
        qr_buf_release(&b);
        if (n >= count)
            return 1;
        struct timespec ts = {0, 50 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    return 0;
}

int qt_same_file(const char *a, const char *b)
{
    qr_buf x = QR_BUF_INIT, y = QR_BUF_INIT;
    int same = qt_read(a, &x) == 0 && qt_read(b, &y) == 0 && x.len == y.len &&
               memcmp(x.ptr, y.ptr, x.len) == 0;
    qr_buf_release(&x);
    qr_buf_release(&y);
    return same;
}

/*
 * EPUBCheck. Debian's /usr/bin/epubcheck does not run here (a bare link to
 * the jar), so the jar is run with java. Only the tool's own summary line
 * counts: no summary means it did not run, which is a failure.
 */
int qt_epubcheck(const char *path)
{
    const char *jar = getenv("EPUBCHECK_JAR");
    if (!jar || !*jar)
        jar = "/usr/share/java/epubcheck.jar";
    const char *argv[] = {"java", "-jar", jar, path, NULL};
    qr_buf out = QR_BUF_INIT, err = QR_BUF_INIT;
    int rc = qt_run(argv, NULL, &out, &err);
    qr_buf_add(&out, err.ptr, err.len);
    /* "Messages: N fatal(s) / N error(s) / N warning(s) / N info(s)" */
    int counts[3] = {-1, -1, -1};
    const char *p = strstr(out.ptr, "Messages: ");
    if (p) {
        p += strlen("Messages: ");
        for (int i = 0; i < 3 && p; i++) {
            char *end;
            long v = strtol(p, &end, 10);
            if (end == p)
                break;
            counts[i] = (int)v;
            p = strchr(end, '/');
            if (p)
                p++;
        }
    }
    int fatals = counts[0], errors = counts[1], warnings = counts[2];
    int ok = rc == 0 && fatals == 0 && errors == 0 && warnings == 0;
    if (!ok)
        qt_fail(__FILE__, __LINE__, "epubcheck %s: exit %d, %d fatals / %d errors / %d "
                "warnings (-1: no summary line, so it did not run)\n%s",
                path, rc, fatals, errors, warnings, out.ptr);
    qr_buf_release(&out);
    qr_buf_release(&err);
    return ok ? 0 : -1;
}

int qt_golden(const char *dir, const char *ext,
              int (*make)(const char *name, const qr_buf *in, qr_buf *got))
{
    DIR *d = opendir(dir);
    if (!d) {
        qt_fail(__FILE__, __LINE__, "%s: cannot open (run from the repository root)", dir);
        return 0;
    }
    const char *update = getenv("QUIRE_UPDATE_GOLDEN");
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len < 5 || strcmp(e->d_name + len - 4, ".txt") != 0)
            continue;
        qr_buf path = QR_BUF_INIT, in = QR_BUF_INIT, want = QR_BUF_INIT, got = QR_BUF_INIT;
        qr_buf_addf(&path, "%s/%s", dir, e->d_name);
        if (qt_read(path.ptr, &in) != 0)
            qt_fail(__FILE__, __LINE__, "cannot read %s", path.ptr);
        else if (make(e->d_name, &in, &got) == 0) {
            qr_buf_truncate(&path, path.len - 4);
            qr_buf_adds(&path, ext);
            if (update && *update)
                qt_write(path.ptr, got.ptr, got.len);
            else if (qt_read(path.ptr, &want) != 0)
                qt_fail(__FILE__, __LINE__, "%s is missing", path.ptr);
            else if (strcmp(want.ptr, got.ptr) != 0)
                qt_fail(__FILE__, __LINE__, "%s differs:\n--- got\n%s", path.ptr, got.ptr);
            n++;
        }
        qr_buf_release(&path);
        qr_buf_release(&in);
        qr_buf_release(&want);
        qr_buf_release(&got);
    }
    closedir(d);
    return n;
}

size_t qt_past_credits(const char *s, size_t len, size_t at)
{
    if (at == 0)
        return 0;
    size_t i = at;
    while (i < len && (s[i] == '\n' || s[i] == '\r' || s[i] == ' '))
        i++;
    static const char *const credits[] = {"Produced by",         "E-text prepared by",
                                          "Etext prepared by",   "Transcribed by",
                                          "Digitized by",        "This etext was produced",
                                          "This etext was prepared", "This eBook was produced",
                                          "This eBook was prepared"};
    int found = 0;
    for (size_t k = 0; k < QR_ARRAY_LEN(credits) && !found; k++)
        found = len - i >= strlen(credits[k]) &&
                strncasecmp(s + i, credits[k], strlen(credits[k])) == 0;
    if (!found)
        return at;
    /* to the blank line that ends the credit */
    while (i < len) {
        const char *nl = memchr(s + i, '\n', len - i);
        if (!nl)
            return len;
        i = (size_t)(nl - s) + 1;
        size_t j = i;
        while (j < len && (s[j] == ' ' || s[j] == '\r'))
            j++;
        if (j >= len || s[j] == '\n')
            return i;
    }
    return len;
}

/* Joins the parts of each word hyphenated at a line's end in an
 * extractor's text: U+00AD and the newline after it are taken out, as a
 * reader's copy does (pdftotext joins only "-"). Returns how many. */
int qt_join_soft_hyphens(qr_buf *text)
{
    size_t o = 0;
    int n = 0;
    for (size_t i = 0; i < text->len; i++) {
        if (i + 2 < text->len && memcmp(text->ptr + i, "\xC2\xAD\n", 3) == 0) {
            n++;
            i += 2;
            continue;
        }
        text->ptr[o++] = text->ptr[i];
    }
    text->len = o;
    text->ptr[o] = '\0';
    return n;
}

/* The right-hand protrusion of code point cp in the font's table
 * (fonts/EBGaramond12.protrusion, thousandths of the character's width),
 * in points at `size`: the thousandths times the advance of cp's glyph in
 * fonts/EBGaramond12-Regular.otf, read with HarfBuzz; 0 when not in the
 * table. A soft hyphen (U+00AD, a line-end hyphen's text) hangs as the
 * hyphen drawn. */
double qt_protrusion_right(uint32_t cp, double size)
{
    if (cp == 0xAD)
        cp = '-';
    FILE *fp = fopen("fonts/EBGaramond12.protrusion", "r");
    if (!fp) {
        qt_fail(__FILE__, __LINE__, "fonts/EBGaramond12.protrusion: cannot read it");
        return 0;
    }
    char line[256];
    int right = 0;
    while (fgets(line, sizeof line, fp)) {
        unsigned c;
        int l, r;
        if (sscanf(line, " U+%x %d %d", &c, &l, &r) == 3 && c == cp)
            right = r;
    }
    fclose(fp);
    if (right == 0)
        return 0;
    hb_blob_t *blob = hb_blob_create_from_file("fonts/EBGaramond12-Regular.otf");
    hb_face_t *face = hb_face_create(blob, 0);
    hb_font_t *font = hb_font_create(face);
    hb_codepoint_t g;
    double width = 0;
    if (hb_font_get_nominal_glyph(font, cp, &g))
        width = (double)hb_font_get_glyph_h_advance(font, g) / hb_face_get_upem(face) * size;
    else
        qt_fail(__FILE__, __LINE__, "EBGaramond12-Regular.otf has no glyph for U+%04X", cp);
    hb_font_destroy(font);
    hb_face_destroy(face);
    hb_blob_destroy(blob);
    return right * width / 1000;
}

/* The last character of a word as pdftotext -bbox writes it (XML-escaped). */
uint32_t qt_last_char(const char *p, const char *end)
{
    if (end - p >= 6 && memcmp(end - 6, "&quot;", 6) == 0)
        return '"';
    if (end - p >= 6 && memcmp(end - 6, "&apos;", 6) == 0)
        return '\'';
    if (end - p >= 5 && memcmp(end - 5, "&amp;", 5) == 0)
        return '&';
    if (end - p >= 4 && (memcmp(end - 4, "&lt;", 4) == 0 || memcmp(end - 4, "&gt;", 4) == 0))
        return end[-3] == 'l' ? '<' : '>';
    const char *q = end - 1;
    while (q > p && ((unsigned char)*q & 0xC0) == 0x80)
        q--;
    uint32_t cp = 0;
    if (q < end)
        qr_utf8_decode(q, (size_t)(end - q), &cp);
    return cp;
}

int qt_entries(const char *dir, int *tmp)
{
    qr_buf ls = QR_BUF_INIT;
    const char *argv[] = {"ls", "-A", dir, NULL};
    int n = -1;
    if (tmp)
        *tmp = 0;
    if (qt_run(argv, NULL, &ls, NULL) == 0) {
        n = 0;
        for (size_t i = 0; i < ls.len; i++)
            n += ls.ptr[i] == '\n';
        if (tmp)
            *tmp = strstr(ls.ptr, ".tmp.") != NULL;
    }
    qr_buf_release(&ls);
    return n;
}

void qt_stop_watch(pid_t pid, const char *log)
{
    kill(pid, SIGINT);
    int status = -1, waited = 0;
    for (int i = 0; i < 200 && !waited; i++) {
        waited = waitpid(pid, &status, WNOHANG) == pid;
        if (!waited) {
            struct timespec t = {0, 50 * 1000 * 1000};
            nanosleep(&t, NULL);
        }
    }
    if (!waited) {
        qt_fail(__FILE__, __LINE__, "watch did not stop on SIGINT");
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
    } else {
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    if (qt_verbose()) {
        qr_buf l = QR_BUF_INIT;
        qt_read(log, &l);
        fprintf(stderr, "%s", l.ptr);
        qr_buf_release(&l);
    }
}
