/*
 * fontlist.c: the font families fontconfig has (with quire's own fonts/),
 * for --list-fonts and for the hint when --font or print.font names a
 * family that is not there.
 */
#include <fontconfig/fontconfig.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/cli.h"

typedef struct family {
    char *name;
    int cjk; /* made for Chinese, Japanese or Korean text */
    int dist;
} family;

static int S_cmp_name(const void *a, const void *b)
{
    return strcasecmp(((const family *)a)->name, ((const family *)b)->name);
}

static int S_cmp_dist(const void *a, const void *b)
{
    const family *x = a, *y = b;
    return x->dist != y->dist ? x->dist - y->dist : strcasecmp(x->name, y->name);
}

/* Owned (S_free): every family name once, sorted; *n of them. */
static family *S_families(const char *fonts_dir, int *n)
{
    FcConfig *config = FcInitLoadConfigAndFonts();
    if (fonts_dir)
        FcConfigAppFontAddDir(config, (const FcChar8 *)fonts_dir);
    FcPattern *pat = FcPatternCreate();
    FcObjectSet *os = FcObjectSetBuild(FC_FAMILY, FC_LANG, (char *)0);
    FcFontSet *fs = FcFontList(config, pat, os);
    family *f = NULL;
    int count = 0;
    for (int i = 0; fs && i < fs->nfont; i++) {
        FcLangSet *ls = NULL;
        int cjk = 0;
        if (FcPatternGetLangSet(fs->fonts[i], FC_LANG, 0, &ls) == FcResultMatch)
            cjk = FcLangSetHasLang(ls, (const FcChar8 *)"ja") == FcLangEqual ||
                  FcLangSetHasLang(ls, (const FcChar8 *)"zh-cn") == FcLangEqual ||
                  FcLangSetHasLang(ls, (const FcChar8 *)"ko") == FcLangEqual;
        FcChar8 *name;
        for (int k = 0; FcPatternGetString(fs->fonts[i], FC_FAMILY, k, &name) == FcResultMatch;
             k++) {
            f = xrealloc(f, sizeof *f * (size_t)(count + 1));
            f[count].name = xstrdup((const char *)name);
            f[count].cjk = cjk;
            f[count].dist = 0;
            count++;
        }
    }
    if (count > 1)
        qsort(f, (size_t)count, sizeof *f, S_cmp_name);
    int k = 0;
    for (int i = 0; i < count; i++) {
        if (k > 0 && strcasecmp(f[k - 1].name, f[i].name) == 0) {
            f[k - 1].cjk |= f[i].cjk;
            free(f[i].name);
            continue;
        }
        f[k++] = f[i];
    }
    if (fs)
        FcFontSetDestroy(fs);
    FcObjectSetDestroy(os);
    FcPatternDestroy(pat);
    FcConfigDestroy(config);
    *n = k;
    return f;
}

static void S_free(family *f, int n)
{
    for (int i = 0; i < n; i++)
        free(f[i].name);
    free(f);
}

int qr_cli_list_fonts(const char *fonts_dir)
{
    int n;
    family *f = S_families(fonts_dir, &n);
    for (int i = 0; i < n; i++)
        printf("%s\n", f[i].name);
    S_free(f, n);
    return fflush(stdout) == 0 ? QR_EX_OK : QR_EX_IOERR;
}

/* Whether hay holds needle, any case (ASCII). */
static int S_contains(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (const char *p = hay; *p; p++)
        if (strncasecmp(p, needle, n) == 0)
            return 1;
    return n == 0;
}

/* Whether s is ASCII and does not itself name a CJK face. */
static int S_latin_name(const char *s)
{
    for (const char *p = s; *p; p++)
        if ((unsigned char)*p >= 0x80)
            return 0;
    return !S_contains(s, "cjk");
}

int qr_cli_font_check(const char *name, const char *fonts_dir, int code, const char *file,
                      int line, int col, const char *what, qr_error *err)
{
    int n;
    family *f = S_families(fonts_dir, &n);
    int found = 0, latin = S_latin_name(name);
    size_t len = strlen(name);
    int limit = len < 6 ? 2 : (int)len / 3 + 1;
    for (int i = 0; i < n; i++) {
        if (strcasecmp(f[i].name, name) == 0)
            found = 1;
        f[i].dist = qr_cli_distance(name, f[i].name);
        /* a family that begins with the name, or the name with it, is near:
         * "Garamond" for "EB Garamond 12" is not, "EB Garamond" is */
        if (strncasecmp(f[i].name, name, len) == 0 ||
            strncasecmp(name, f[i].name, strlen(f[i].name)) == 0)
            f[i].dist = f[i].dist < limit ? f[i].dist : limit;
        else if (len >= 4 && S_contains(f[i].name, name))
            f[i].dist = f[i].dist < limit ? f[i].dist : limit;
        /* a face made for CJK text is no hint for a Latin family */
        if (latin && f[i].cjk)
            f[i].dist = 1000;
    }
    int rc = 0;
    if (!found) {
        if (n > 1)
            qsort(f, (size_t)n, sizeof *f, S_cmp_dist);
        qr_buf near = QR_BUF_INIT;
        for (int i = 0; i < n && i < 5 && f[i].dist <= limit; i++)
            qr_buf_addf(&near, "%s'%s'", i ? ", " : "", f[i].name);
        rc = qr_error_set(err, code, file, line, col,
                          "%sfont '%s' not found; %s%s (quire --list-fonts lists them all)",
                          what, name, near.len ? "near it: " : "no family is near it",
                          near.ptr);
        qr_buf_release(&near);
    }
    S_free(f, n);
    return rc;
}
