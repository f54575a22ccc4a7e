/*
 * e2e_install.c: quire installed like a tool (make install into a DESTDIR,
 * run from there outside the clone: the same bytes as ./quire), its manual
 * page and completions, make uninstall, make dist's tarball; and make's
 * front door: .ci/deps when it cannot install, make naming what it wrote.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test.h"

static int S_sh(const char *script, qr_buf *out, qr_buf *err)
{
    const char *argv[] = {"sh", "-c", script, NULL};
    return qt_run(argv, NULL, out, err);
}

static int S_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static void test_destdir(void)
{
    qr_buf dir = QR_BUF_INIT, cmd = QR_BUF_INIT, out = QR_BUF_INIT, err = QR_BUF_INIT;
    qr_buf p = QR_BUF_INIT;
    char cwd[PATH_MAX], tmpl[] = "/tmp/quire-install-XXXXXX";
    if (!getcwd(cwd, sizeof cwd) || !mkdtemp(tmpl)) {
        qt_fail(__FILE__, __LINE__, "no working folder or no /tmp");
        return;
    }
    qt_scratch("install", &dir);
    const char *root = tmpl; /* DESTDIR, outside the clone */
    qr_buf_addf(&cmd, "make -s install DESTDIR=%s/root PREFIX=/opt/quire", root);
    CHECK_INT_EQ(S_sh(cmd.ptr, &out, &err), 0);
    CHECK_CONTAINS(out.ptr, "make: installed");
    static const char *const files[] = {
        "bin/quire", "share/quire/styles/epub.css", "share/quire/fonts/EBGaramond12-Regular.otf",
        "share/quire/fonts/OFL.txt", "share/quire/fonts/EBGaramond12.protrusion",
        "share/man/man1/quire.1",
        "share/bash-completion/completions/quire", "share/zsh/site-functions/_quire"};
    for (size_t i = 0; i < QR_ARRAY_LEN(files); i++) {
        qr_buf_reset(&p);
        qr_buf_addf(&p, "%s/root/opt/quire/%s", root, files[i]);
        if (!S_exists(p.ptr))
            qt_fail(__FILE__, __LINE__, "make install put no %s", p.ptr);
    }
    /* the seed book, copied outside the clone, built by the installed
     * quire from there (its data found from its own place, not the clone
     * nor QUIRE_DATADIR), and by ./quire: the same bytes */
    qr_buf_reset(&cmd);
    qr_buf_addf(&cmd,
                "set -e; mkdir %s/book; cp -r seeds %s/book/; cd %s/book; "
                "env -u QUIRE_DATADIR SOURCE_DATE_EPOCH=1700000000 %s/root/opt/quire/bin/quire "
                "build -q .; cd %s; SOURCE_DATE_EPOCH=1700000000 ./quire build -q -o %s/ref "
                "%s/book; cmp %s/book/dist/who-hacked-sony.epub %s/ref/who-hacked-sony.epub; "
                "cmp %s/book/dist/who-hacked-sony.pdf %s/ref/who-hacked-sony.pdf; echo same",
                root, root, root, root, cwd, dir.ptr, root, root, dir.ptr, root, dir.ptr);
    qr_buf_reset(&out);
    qr_buf_reset(&err);
    CHECK_INT_EQ(S_sh(cmd.ptr, &out, &err), 0);
    CHECK_CONTAINS(out.ptr, "same");
    if (err.len)
        qt_fail(__FILE__, __LINE__, "%s", err.ptr);
    /* the installed quire without its data says so (it does not reach
     * back into the clone) */
    qr_buf_reset(&cmd);
    qr_buf_addf(&cmd,
                "mv %s/root/opt/quire/share/quire %s/moved && cd %s/book && "
                "env -u QUIRE_DATADIR %s/root/opt/quire/bin/quire build -q -f epub -o %s/x .; "
                "rc=$?; mv %s/moved %s/root/opt/quire/share/quire; exit $rc",
                root, root, root, root, root, root, root);
    CHECK(S_sh(cmd.ptr, NULL, NULL) != 0);
    /* uninstall leaves nothing of quire's */
    qr_buf_reset(&cmd);
    qr_buf_addf(&cmd, "make -s uninstall DESTDIR=%s/root PREFIX=/opt/quire && "
                      "find %s/root -type f",
                root, root);
    qr_buf_reset(&out);
    CHECK_INT_EQ(S_sh(cmd.ptr, &out, NULL), 0);
    CHECK_STR_EQ(out.ptr, "");
    qr_buf_reset(&cmd);
    qr_buf_addf(&cmd, "rm -rf %s", root);
    S_sh(cmd.ptr, NULL, NULL);
    qr_buf_release(&dir);
    qr_buf_release(&cmd);
    qr_buf_release(&out);
    qr_buf_release(&err);
    qr_buf_release(&p);
}

static void test_man_and_completions(void)
{
    qr_buf out = QR_BUF_INIT, err = QR_BUF_INIT;
    /* man -l renders the page, with no complaint from the formatter */
    if (access("/usr/bin/man", X_OK) != 0) {
        qt_fail(__FILE__, __LINE__, "man is not installed (man-db; `make check` installs it)");
        return;
    }
    CHECK_INT_EQ(S_sh("MANWIDTH=80 man -l src/man/quire.1", &out, &err), 0);
    CHECK_CONTAINS(out.ptr, "quire build [options]");
    CHECK_CONTAINS(out.ptr, "EXIT STATUS");
    CHECK_CONTAINS(out.ptr, "--metadata key=value");
    qr_buf_reset(&err);
    CHECK_INT_EQ(S_sh("groff -mdoc -ww -z src/man/quire.1", NULL, &err), 0);
    CHECK_STR_EQ(err.ptr, "");
    /* every option of the program is in the page and the completions */
    qr_buf help = QR_BUF_INIT, man = QR_BUF_INIT, bash = QR_BUF_INIT, zsh = QR_BUF_INIT;
    const char *h[] = {"./quire", "--help", NULL};
    qt_run(h, NULL, &help, NULL);
    qt_read("src/man/quire.1", &man);
    qt_read("src/completions/quire.bash", &bash);
    qt_read("src/completions/_quire", &zsh);
    for (const char *s = help.ptr; (s = strstr(s, "--")); s += 2) {
        char opt[64];
        size_t n = 0;
        const char *q = s + 2;
        while (n + 1 < sizeof opt && ((*q >= 'a' && *q <= 'z') || *q == '-'))
            opt[n++] = *q++;
        opt[n] = '\0';
        if (n < 2)
            continue;
        char mdoc[80], dashed[80];
        snprintf(mdoc, sizeof mdoc, "Fl -%s", opt);
        snprintf(dashed, sizeof dashed, "--%s", opt);
        if (!strstr(man.ptr, mdoc))
            qt_fail(__FILE__, __LINE__, "quire(1) lacks --%s", opt);
        if (!strstr(bash.ptr, dashed))
            qt_fail(__FILE__, __LINE__, "the bash completion lacks --%s", opt);
        if (!strstr(zsh.ptr, dashed))
            qt_fail(__FILE__, __LINE__, "the zsh completion lacks --%s", opt);
    }
    /* the bash completion completes */
    qr_buf_reset(&out);
    CHECK_INT_EQ(S_sh("bash -c '. src/completions/quire.bash; COMP_WORDS=(quire bu); COMP_CWORD=1; "
                      "_quire; echo \"${COMPREPLY[@]}\"; COMP_WORDS=(quire build --fo); "
                      "COMP_CWORD=2; _quire; echo \"${COMPREPLY[@]}\"'",
                      &out, NULL),
                 0);
    CHECK_CONTAINS(out.ptr, "build\n");
    CHECK_CONTAINS(out.ptr, "--format --font --font-size");
    qr_buf_release(&help);
    qr_buf_release(&man);
    qr_buf_release(&bash);
    qr_buf_release(&zsh);
    qr_buf_release(&out);
    qr_buf_release(&err);
}

static void test_dist(void)
{
    qr_buf dir = QR_BUF_INIT, cmd = QR_BUF_INIT, out = QR_BUF_INIT, ver = QR_BUF_INIT;
    qt_scratch("dist", &dir);
    const char *v[] = {"./quire", "--version", NULL};
    CHECK_INT_EQ(qt_run(v, NULL, &ver, NULL), 0);
    /* "quire X\n" -> X */
    const char *version = strncmp(ver.ptr, "quire ", 6) == 0 ? ver.ptr + 6 : "";
    qr_buf_truncate(&ver, ver.len ? ver.len - 1 : 0);
    CHECK(strlen(version) > 0);
    qr_buf_addf(&cmd,
                "set -e; make -s dist DIST_DIR=%s; cd %s; tar -xzf quire-%s.tar.gz; "
                "cat quire-%s/.version; test -f quire-%s/src/main.c; test -f quire-%s/Makefile; "
                "test ! -e quire-%s/quire; make -s -C quire-%s version",
                dir.ptr, dir.ptr, version, version, version, version, version, version);
    CHECK_INT_EQ(S_sh(cmd.ptr, &out, NULL), 0);
    qr_buf want = QR_BUF_INIT;
    /* the tarball knows its version outside git, and says it */
    qr_buf_addf(&want, "make: wrote %s/quire-%s.tar.gz\n%s\n%s\n", dir.ptr, version, version,
                version);
    CHECK_STR_EQ(out.ptr, want.ptr);
    qr_buf_release(&want);
    qr_buf_release(&dir);
    qr_buf_release(&cmd);
    qr_buf_release(&out);
    qr_buf_release(&ver);
}

/* examples/ci/build-book.sh with an installed quire: a tagged checkout
 * gives the EPUB and PDF named after the tag; an untagged one is checked
 * and nothing is written. */
static void test_ci_example(void)
{
    qr_buf cmd = QR_BUF_INIT, out = QR_BUF_INIT, err = QR_BUF_INIT;
    char cwd[PATH_MAX], tmpl[] = "/tmp/quire-ci-XXXXXX";
    if (!getcwd(cwd, sizeof cwd) || !mkdtemp(tmpl)) {
        qt_fail(__FILE__, __LINE__, "no working folder or no /tmp");
        return;
    }
    qr_buf_addf(&cmd,
                "set -e; make -s install DESTDIR=%s/root PREFIX=/usr >/dev/null; "
                "PATH=%s/root/usr/bin:$PATH; cd %s; quire init -q book --title 'Tide Tables'; "
                "cd book; git init -q; git add -A; "
                "git -c user.name=t -c user.email=t@example.org commit -qm book; "
                "sh %s/examples/ci/build-book.sh . ../untagged; test ! -e ../untagged; "
                "git tag v1.0; sh %s/examples/ci/build-book.sh . ../out; ls ../out",
                tmpl, tmpl, tmpl, cwd, cwd);
    CHECK_INT_EQ(S_sh(cmd.ptr, &out, &err), 0);
    CHECK_CONTAINS(out.ptr, "tide-tables-v1.0.epub\ntide-tables-v1.0.pdf\n");
    CHECK_CONTAINS(err.ptr, "not written");
    qr_buf_reset(&cmd);
    qr_buf_addf(&cmd, "rm -rf %s", tmpl);
    S_sh(cmd.ptr, NULL, NULL);
    qr_buf_release(&cmd);
    qr_buf_release(&out);
    qr_buf_release(&err);
}

/*
 * .ci/deps when it cannot install (not root, no sudo): the apt-get line to
 * run, and status 0 so that make goes on to build with what is there;
 * with CI=true, an error. Run on a copy whose list names a package that is
 * not installed, as nobody when the tests run as root.
 */
static void test_deps_cannot_install(void)
{
    qr_buf dir = QR_BUF_INIT, cmd = QR_BUF_INIT, err = QR_BUF_INIT;
    qt_scratch("deps", &dir);
    qr_buf_addf(&cmd,
                "set -e; mkdir %s/.ci; cp .ci/deps .ci/packages-build .ci/packages-test %s/.ci/; "
                "echo quire-no-such-package-x >> %s/.ci/packages-build; chmod -R a+rX %s",
                dir.ptr, dir.ptr, dir.ptr, dir.ptr);
    CHECK_INT_EQ(S_sh(cmd.ptr, NULL, NULL), 0);
    const char *as = getuid() == 0 ? "runuser -u nobody --" : "";
    for (int ci = 0; ci < 2; ci++) {
        qr_buf_reset(&cmd);
        qr_buf_addf(&cmd, "%s env -u SUDO_ASKPASS CI=%s PATH=/usr/bin:/bin sh %s/.ci/deps build "
                          "</dev/null",
                    as, ci ? "true" : "false", dir.ptr);
        qr_buf_reset(&err);
        int rc = S_sh(cmd.ptr, NULL, &err);
        if (access("/usr/bin/dpkg-query", X_OK) != 0) {
            CHECK_INT_EQ(rc, 0);
            CHECK_CONTAINS(err.ptr, "not a Debian system");
            break;
        }
        CHECK_INT_EQ(rc, ci ? 1 : 0);
        CHECK_CONTAINS(err.ptr, "sudo apt-get install -y --no-install-recommends "
                                "quire-no-such-package-x\n");
        CHECK_CONTAINS(err.ptr, "what `make` needs");
    }
    qr_buf_release(&dir);
    qr_buf_release(&cmd);
    qr_buf_release(&err);
}

/* make ends by naming the files it wrote. */
static void test_make_names_files(void)
{
    qr_buf out = QR_BUF_INIT;
    CHECK_INT_EQ(S_sh("make -s book", &out, NULL), 0);
    CHECK_CONTAINS(out.ptr, "make: wrote ./quire\n");
    CHECK_CONTAINS(out.ptr, "make: wrote ./dist/who-hacked-sony.epub\n");
    CHECK_CONTAINS(out.ptr, "make: wrote ./dist/who-hacked-sony.pdf\n");
    qr_buf_release(&out);
}

void suite_install(void)
{
    qt_case("install/destdir-outside-the-clone", test_destdir);
    qt_case("install/man-and-completions", test_man_and_completions);
    qt_case("install/dist-tarball", test_dist);
    qt_case("install/ci-example", test_ci_example);
    qt_case("install/deps-cannot-install", test_deps_cannot_install);
    qt_case("install/make-names-files", test_make_names_files);
}
