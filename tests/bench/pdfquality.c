/* pdfquality: the typesetting quality of a PDF, measured from its word boxes.
 *
 *   pdfquality [-t] [-l] [-d] [-e PT] FILE...
 *
 * FILE is a PDF (run through `pdftotext -bbox-layout FILE -`), the XHTML that
 * command writes, or `-` for that XHTML on stdin. Every producer's PDF is
 * measured the same way, from the words' boxes only, so quire's, Typst's and
 * pandoc's (xelatex, WeasyPrint) can be set side by side. `-t` prints one
 * tab-separated row per file under a header, `-l` the legend, `-e PT` sets the
 * em the gaps are measured in (default 11 pt, the body size of the benchmark),
 * `-d` says on stderr where each widow, orphan, line past the edge and
 * justified line of spaces wider than 0.6 em is.
 *
 * Outline (the legend, S_legend, says the same for the reader of the output):
 *
 *   1. Lines. pdftotext's lines of a page that share a baseline (their boxes
 *      overlap by 60 % of the smaller height) are merged, since pdftotext may
 *      cut a loose line in two at a wide space; words are ordered by x. A
 *      gap is the next word's xMin minus this word's xMax; gaps under 0.05 em
 *      (a font change inside a word) and gaps beside a CJK character are not
 *      word spaces.
 *   2. Body lines. The body height is the most common line height (to
 *      0.1 pt) among lines with 2 word spaces or more (so not CJK text, nor
 *      titles); a line within 15 % of it is body text, anything else
 *      (headings, titles, CJK) is not. The pitch is the most common
 *      baseline-to-baseline step between body lines.
 *   3. The text block. On each page the left and right edges are the 1 pt
 *      windows holding the most starts and ends of body lines of 3 words or
 *      more (on the left, a window further left that holds a quarter of
 *      the starts is the edge: the denser one is the paragraphs' indent, on
 *      a page of dialogue); where that window holds fewer than 3 lines or
 *      under a third of them (a contents page, a short last page), the page
 *      takes the edge found the same way over all pages of its parity
 *      (recto or verso).
 *   4. Furniture. A line at the top or the bottom of a page that is smaller
 *      than the body, or that stands further than 1.5 pitches from its
 *      neighbour and does not reach the right edge (and is not taller than
 *      the body: that is a heading, after which a paragraph starts), is a
 *      running head or a folio (up to two at each end). A line whose last
 *      word is a number (digits or roman) after a gap of more than 3 em is a
 *      contents entry. Neither is measured.
 *   5. Paragraphs, over the body lines of the whole book in order: a line is
 *      full when it reaches the right edge (to 1 pt); it starts a paragraph
 *      when it is indented (0.3 to 4 em from the left edge) or set further in
 *      (centred: an ornament), follows a gap of more than 1.5 pitches or a
 *      line that is not full or is not body text;
 *      it ends one when it is not full or the next line starts one.
 *   6. Justified lines: full, not a paragraph's end, with at least one word
 *      space. Their per-line mean space (em) gives the mean, the spread (the
 *      coefficient of variation of the per-line means: sd / mean), loose
 *      (> 1.5 x the median) and tight (< 0.7 x the median) lines, and the
 *      share ending in a hyphen (-, U+2010, U+00AD); the widest is the
 *      loosest line's.
 *   7. Past the edge: body lines ending more than 0.5 pt right of the edge,
 *      except hanging punctuation (a last character among . , ; : ! ? - ' "
 *      ) ] and dashes, quotes, ellipsis, at most 0.5 em out, or CJK
 *      punctuation at most 1 em out: Typst's `overhang`, microtype's
 *      protrusion), which is counted apart.
 *   8. Hyphen runs: the longest run of consecutive body lines ending in a
 *      hyphen. Widows: pages whose first body line is a paragraph's short last
 *      line, at the left edge, after a full line on the page before. Orphans:
 *      pages whose last body line starts a paragraph that goes on overleaf.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libxml/xmlreader.h>

/* A word box of the page being read. */
typedef struct {
    double x0, y0, x1, y1;
    unsigned first, last; /* first and last code points */
    int numeric;          /* digits or a roman numeral */
    int src;              /* pdftotext's line, then the merged line */
} word;

/* A merged line, kept for the whole book. */
typedef struct {
    double x0, x1, base, h;
    double gapsum, gapmax;
    int nwords, ngaps, lastgap_is_max;
    unsigned last;
    int numeric_end;
    int page;
    /* analysis */
    int body, furniture, tabular, full, indented, aside, start, end, hang, past;
} line;

typedef struct {
    int first, n; /* its lines in the book's array */
    double left, right;
    int edge; /* left and right are known */
} page;

typedef struct {
    word *w;
    int nw, cw;
    line *l;
    int nl, cl;
    page *p;
    int np, cp;
    int cur_src;
} book;

static double S_em = 11.0;
static int S_debug; /* -d: say where each widow, orphan and line past the edge is */

/* Resizes p to n bytes (at least 1). Owned by the caller; out of memory exits. */
static void *S_realloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) {
        fprintf(stderr, "pdfquality: out of memory\n");
        exit(70);
    }
    return q;
}

/* Grows the array p of *cap elements of `size` bytes to hold `need`. */
static void *S_grow(void *p, int *cap, int need, size_t size)
{
    if (need <= *cap)
        return p;
    int c = *cap ? *cap : 64;
    while (c < need)
        c *= 2;
    *cap = c;
    return S_realloc(p, (size_t)c * size);
}

/* Decodes the code point at *s (UTF-8), advancing *s. */
static unsigned S_utf8(const unsigned char **s)
{
    const unsigned char *p = *s;
    unsigned c = *p++;
    int n = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
    if (n)
        c &= 0x3F >> n;
    while (n-- && (*p & 0xC0) == 0x80)
        c = c << 6 | (*p++ & 0x3F);
    *s = p;
    return c;
}

static int S_cjk(unsigned c)
{
    return (c >= 0x2E80 && c <= 0x9FFF) || (c >= 0xAC00 && c <= 0xD7AF) ||
           (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFF00 && c <= 0xFFEF) ||
           (c >= 0x20000 && c <= 0x2FFFF);
}

static int S_hyphen(unsigned c)
{
    return c == '-' || c == 0x2010 || c == 0xAD;
}

/* Characters that typesetters let hang into the margin. */
static int S_hangs(unsigned c)
{
    if (c > 0 && c < 128)
        return strchr(".,;:!?-'\")]", (int)c) != NULL;
    return c == 0x2010 || c == 0xAD || c == 0x2013 || c == 0x2014 || c == 0x2018 || c == 0x2019 ||
           c == 0x201C || c == 0x201D || c == 0x2026 || c == 0xBB || c == 0xAB || c == 0x3001 ||
           c == 0x3002 || (c >= 0x3008 && c <= 0x3011) || c == 0xFF09 || c == 0xFF0C ||
           c == 0xFF0E; /* CJK commas, stops, brackets */
}

static int S_numeric(const char *t)
{
    if (!*t)
        return 0;
    int digits = 1, roman = 1;
    for (const char *p = t; *p; p++) {
        if (*p < '0' || *p > '9')
            digits = 0;
        if (!strchr("ivxlcdmIVXLCDM", *p))
            roman = 0;
    }
    return digits || roman;
}

static double S_attr(xmlTextReaderPtr r, const char *name)
{
    xmlChar *v = xmlTextReaderGetAttribute(r, (const xmlChar *)name);
    double d = v ? strtod((const char *)v, NULL) : 0;
    xmlFree(v);
    return d;
}

static int S_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int S_cmp_word(const void *a, const void *b)
{
    const word *x = a, *y = b;
    if (x->src != y->src)
        return x->src - y->src;
    return (x->x0 > y->x0) - (x->x0 < y->x0);
}

static double S_median(double *v, int n)
{
    if (n == 0)
        return 0;
    qsort(v, (size_t)n, sizeof *v, S_cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* The densest window of `width` over n values: its median, and its count in
 * *count. Sorts v. */
static double S_window(double *v, int n, double width, int *count)
{
    qsort(v, (size_t)n, sizeof *v, S_cmp_double);
    int best = 0, from = 0;
    for (int i = 0, j = 0; i < n; i++) {
        while (v[i] - v[j] > width)
            j++;
        if (i - j + 1 > best) {
            best = i - j + 1;
            from = j;
        }
    }
    *count = best;
    return best ? v[from + best / 2] : 0;
}

/* The leftmost window of `width` over n values holding `least` or more:
 * its median, or NAN when none does. Sorts v. */
static double S_window_leftmost(double *v, int n, double width, int least)
{
    qsort(v, (size_t)n, sizeof *v, S_cmp_double);
    for (int j = 0, i = 0; j < n; j++) {
        if (i < j)
            i = j;
        while (i + 1 < n && v[i + 1] - v[j] <= width)
            i++;
        if (i - j + 1 >= least)
            return v[j + (i - j + 1) / 2];
    }
    return NAN;
}

/* Turns the words of the page just read into lines (step 1). */
static void S_end_page(book *b)
{
    int np = b->np;
    b->p = S_grow(b->p, &b->cp, np + 1, sizeof *b->p);
    page *pg = &b->p[np];
    memset(pg, 0, sizeof *pg);
    pg->first = b->nl;
    b->np++;
    if (b->nw == 0)
        return;

    /* pdftotext's lines: their boxes, in order of their middle */
    int nsrc = b->cur_src + 1;
    double *top = S_realloc(NULL, (size_t)nsrc * sizeof *top);
    double *bot = S_realloc(NULL, (size_t)nsrc * sizeof *bot);
    int *order = S_realloc(NULL, (size_t)nsrc * sizeof *order);
    int *group = S_realloc(NULL, (size_t)nsrc * sizeof *group);
    for (int i = 0; i < nsrc; i++)
        top[i] = 1e30, bot[i] = -1e30, order[i] = -1, group[i] = 0;
    for (int i = 0; i < b->nw; i++) {
        word *w = &b->w[i];
        if (w->y0 < top[w->src])
            top[w->src] = w->y0;
        if (w->y1 > bot[w->src])
            bot[w->src] = w->y1;
    }
    int n = 0;
    for (int i = 0; i < nsrc; i++)
        if (bot[i] > -1e30)
            order[n++] = i;
    for (int i = 1; i < n; i++) { /* insertion sort by middle: pages are short */
        int k = order[i];
        double m = top[k] + bot[k];
        int j = i - 1;
        while (j >= 0 && top[order[j]] + bot[order[j]] > m) {
            order[j + 1] = order[j];
            j--;
        }
        order[j + 1] = k;
    }
    /* merge lines sharing a baseline */
    int g = -1;
    double gt = 0, gb = 0;
    for (int i = 0; i < n; i++) {
        int k = order[i];
        double lo = top[k] > gt ? top[k] : gt, hi = bot[k] < gb ? bot[k] : gb;
        double h = bot[k] - top[k] < gb - gt ? bot[k] - top[k] : gb - gt;
        if (g < 0 || hi - lo < 0.6 * h) {
            g++;
            gt = top[k];
            gb = bot[k];
        }
        group[k] = g;
    }
    for (int i = 0; i < b->nw; i++)
        b->w[i].src = group[b->w[i].src];
    free(top);
    free(bot);
    free(order);
    free(group);
    qsort(b->w, (size_t)b->nw, sizeof *b->w, S_cmp_word);

    double *tmp = S_realloc(NULL, (size_t)b->nw * sizeof *tmp);
    for (int i = 0; i < b->nw;) {
        int j = i;
        while (j < b->nw && b->w[j].src == b->w[i].src)
            j++;
        b->l = S_grow(b->l, &b->cl, b->nl + 1, sizeof *b->l);
        line *l = &b->l[b->nl++];
        memset(l, 0, sizeof *l);
        l->page = np;
        l->nwords = j - i;
        l->x0 = b->w[i].x0;
        for (int k = i; k < j; k++) {
            if (b->w[k].x1 > l->x1)
                l->x1 = b->w[k].x1;
            tmp[k - i] = b->w[k].y1 - b->w[k].y0;
        }
        l->h = S_median(tmp, j - i);
        for (int k = i; k < j; k++)
            tmp[k - i] = b->w[k].y1;
        l->base = S_median(tmp, j - i);
        l->last = b->w[j - 1].last;
        l->numeric_end = b->w[j - 1].numeric;
        for (int k = i; k + 1 < j; k++) {
            double gap = b->w[k + 1].x0 - b->w[k].x1;
            if (gap < 0.05 * S_em || S_cjk(b->w[k].last) || S_cjk(b->w[k + 1].first))
                continue;
            l->gapsum += gap;
            l->ngaps++;
            l->lastgap_is_max = gap >= l->gapmax;
            if (gap > l->gapmax)
                l->gapmax = gap;
        }
        i = j;
    }
    free(tmp);
    pg->n = b->nl - pg->first;
    b->nw = 0;
    b->cur_src = -1;
}

/* Reads pdftotext's XHTML from fd into b. Returns 0, or -1. */
static int S_read(book *b, int fd, const char *name)
{
    xmlTextReaderPtr r = xmlReaderForFd(fd, NULL, NULL, XML_PARSE_NONET | XML_PARSE_HUGE);
    if (!r)
        return -1;
    int ret, inpage = 0;
    b->cur_src = -1;
    while ((ret = xmlTextReaderRead(r)) == 1) {
        const char *el = (const char *)xmlTextReaderConstLocalName(r);
        int type = xmlTextReaderNodeType(r);
        if (type == XML_READER_TYPE_ELEMENT && !strcmp(el, "page")) {
            inpage = 1;
            b->nw = 0;
            b->cur_src = -1;
            if (xmlTextReaderIsEmptyElement(r)) {
                S_end_page(b);
                inpage = 0;
            }
        } else if (type == XML_READER_TYPE_END_ELEMENT && !strcmp(el, "page")) {
            S_end_page(b);
            inpage = 0;
        } else if (type == XML_READER_TYPE_ELEMENT && !strcmp(el, "line") && inpage) {
            b->cur_src++;
        } else if (type == XML_READER_TYPE_ELEMENT && !strcmp(el, "word") && inpage) {
            b->w = S_grow(b->w, &b->cw, b->nw + 1, sizeof *b->w);
            word *w = &b->w[b->nw];
            w->x0 = S_attr(r, "xMin");
            w->y0 = S_attr(r, "yMin");
            w->x1 = S_attr(r, "xMax");
            w->y1 = S_attr(r, "yMax");
            w->src = b->cur_src < 0 ? 0 : b->cur_src;
            xmlChar *t = xmlTextReaderReadString(r);
            const unsigned char *s = t ? t : (const unsigned char *)"";
            if (!*s) {
                xmlFree(t);
                continue;
            }
            w->numeric = S_numeric((const char *)s);
            w->first = S_utf8(&s);
            w->last = w->first;
            while (*s)
                w->last = S_utf8(&s);
            xmlFree(t);
            b->nw++;
        }
    }
    xmlFreeTextReader(r);
    if (ret < 0) {
        fprintf(stderr, "pdfquality: %s: not pdftotext -bbox-layout output\n", name);
        return -1;
    }
    return 0;
}

/* Opens FILE's word boxes: a PDF through pdftotext, XHTML as it is. Returns
 * a descriptor and the child's pid in *pid (0 when none), or -1. */
static int S_open(const char *file, pid_t *pid)
{
    *pid = 0;
    if (!strcmp(file, "-"))
        return 0;
    FILE *f = fopen(file, "rb");
    if (!f) {
        fprintf(stderr, "pdfquality: %s: %s\n", file, strerror(errno));
        return -1;
    }
    char magic[5] = {0};
    size_t got = fread(magic, 1, 4, f);
    fclose(f);
    if (got < 4 || memcmp(magic, "%PDF", 4) != 0)
        return open(file, O_RDONLY);
    int fds[2];
    if (pipe(fds) < 0)
        return -1;
    *pid = fork();
    if (*pid < 0)
        return -1;
    if (*pid == 0) {
        dup2(fds[1], 1);
        close(fds[0]);
        close(fds[1]);
        execlp("pdftotext", "pdftotext", "-q", "-bbox-layout", file, "-", (char *)NULL);
        fprintf(stderr, "pdfquality: pdftotext: %s\n", strerror(errno));
        _exit(127);
    }
    close(fds[1]);
    return fds[0];
}

typedef struct {
    int pages, text_pages, lines, body, furniture, tabular, justified;
    double gap_mean, gap_median, widest, cv, loose, tight, hyphen_pct;
    int widest_page;
    int past, hang, hyphen_run, widows, orphans;
} result;

/* The edges of the text block (step 3). */
static void S_edges(book *b)
{
    double *v = S_realloc(NULL, (size_t)(b->nl + 1) * sizeof *v);
    double pl[2] = {0, 0}, pr[2] = {0, 0};
    int pok[2] = {0, 0};
    for (int par = 0; par < 2; par++) {
        int n = 0, c1, c2;
        for (int i = 0; i < b->nl; i++)
            if (b->l[i].page % 2 == par && b->l[i].body && b->l[i].nwords >= 3)
                v[n++] = b->l[i].x1;
        pr[par] = S_window(v, n, 1.0, &c1);
        n = 0;
        for (int i = 0; i < b->nl; i++)
            if (b->l[i].page % 2 == par && b->l[i].body && b->l[i].nwords >= 3)
                v[n++] = b->l[i].x0;
        pl[par] = S_window(v, n, 1.0, &c2);
        pok[par] = c1 >= 3 && c2 >= 3;
    }
    for (int p = 0; p < b->np; p++) {
        page *pg = &b->p[p];
        int n = 0, c1, c2;
        for (int i = pg->first; i < pg->first + pg->n; i++)
            if (b->l[i].body && b->l[i].nwords >= 3)
                v[n++] = b->l[i].x1;
        pg->right = S_window(v, n, 1.0, &c1);
        n = 0;
        for (int i = pg->first; i < pg->first + pg->n; i++)
            if (b->l[i].body && b->l[i].nwords >= 3)
                v[n++] = b->l[i].x0;
        pg->left = S_window(v, n, 1.0, &c2);
        /* the page's own edge when a third of its lines agree on it, else
         * its parity's; on the left, a window further left holding a
         * quarter of them is the edge, the denser one right of it the
         * paragraphs' indent (a page of dialogue) */
        int own_r = c1 >= 3 && c1 * 3 >= n, own_l = c2 >= 3 && c2 * 3 >= n;
        double lm = S_window_leftmost(v, n, 1.0, n / 4 > 3 ? n / 4 : 3);
        if (own_l && !isnan(lm) && lm < pg->left - 0.5)
            pg->left = lm;
        if (!own_r)
            pg->right = pr[p % 2];
        if (!own_l)
            pg->left = pl[p % 2];
        pg->edge = (own_r || pok[p % 2]) && (own_l || pok[p % 2]);
    }
    free(v);
}

/* A running head or a folio (step 4): smaller than the body, or standing
 * apart and short of the right edge. A line taller than the body is a heading
 * and stays, so that the text after it starts a paragraph. */
static int S_furniture(const line *l, const page *pg, int isolated, double H)
{
    if (l->h < 0.85 * H)
        return 1;
    int full = pg->edge && l->x1 >= pg->right - 1.0;
    return isolated && !full && l->h <= 1.15 * H;
}

static void S_analyse(book *b, result *res)
{
    memset(res, 0, sizeof *res);
    res->pages = b->np;
    res->lines = b->nl;
    if (b->nl == 0)
        return;
    double *v = S_realloc(NULL, (size_t)b->nl * sizeof *v);

    /* 2. body height and pitch: the most common, to 0.1 pt */
    int n = 0, c;
    for (int i = 0; i < b->nl; i++) /* lines of words: not CJK, not titles */
        if (b->l[i].ngaps >= 2)
            v[n++] = b->l[i].h;
    for (int i = 0; i < b->nl && n == 0; i++)
        v[n++] = b->l[i].h;
    double H = S_window(v, n, 0.1, &c);
    for (int i = 0; i < b->nl; i++)
        b->l[i].body = fabs(b->l[i].h - H) <= 0.15 * H;
    n = 0;
    for (int i = 1; i < b->nl; i++)
        if (b->l[i].page == b->l[i - 1].page && b->l[i].body && b->l[i - 1].body &&
            b->l[i].base - b->l[i - 1].base > 0.5 * H)
            v[n++] = b->l[i].base - b->l[i - 1].base;
    double pitch = n ? S_window(v, n, 0.1, &c) : 1.2 * H;

    /* 3. edges; 4. furniture and contents entries */
    S_edges(b);
    for (int i = 0; i < b->nl; i++) {
        line *l = &b->l[i];
        l->tabular = l->numeric_end && l->lastgap_is_max && l->gapmax > 3 * S_em;
    }
    for (int p = 0; p < b->np; p++) {
        page *pg = &b->p[p];
        int lo = pg->first, hi = pg->first + pg->n - 1;
        for (int k = 0; k < 2 && hi > lo; k++) { /* top */
            line *l = &b->l[lo];
            int isolated = b->l[lo + 1].base - l->base > 1.5 * pitch;
            if (S_furniture(l, pg, isolated, H)) {
                l->furniture = 1;
                lo++;
            } else
                break;
        }
        for (int k = 0; k < 2 && hi > lo; k++) { /* bottom */
            line *l = &b->l[hi];
            int isolated = l->base - b->l[hi - 1].base > 1.5 * pitch;
            if (S_furniture(l, pg, isolated, H)) {
                l->furniture = 1;
                hi--;
            } else
                break;
        }
    }

    /* 5. paragraphs over the text lines (neither furniture nor contents) */
    int *seq = S_realloc(NULL, (size_t)b->nl * sizeof *seq), ns = 0;
    for (int i = 0; i < b->nl; i++) {
        line *l = &b->l[i];
        if (l->furniture) {
            res->furniture++;
            continue;
        }
        if (l->tabular) {
            res->tabular++;
            continue;
        }
        seq[ns++] = i;
        page *pg = &b->p[l->page];
        if (!pg->edge)
            continue;
        double over = l->x1 - pg->right, in = l->x0 - pg->left;
        l->full = over >= -1.0;
        l->indented = in >= 0.3 * S_em && in <= 4 * S_em;
        l->aside = in > 4 * S_em; /* centred or set apart: an ornament, a heading */
        /* CJK punctuation may hang whole (burasage), Latin by part */
        l->hang = over > 0.5 && over <= (S_cjk(l->last) ? 1.01 : 0.5) * S_em && S_hangs(l->last);
        l->past = over > 0.5 && !l->hang;
    }
    for (int k = 0; k < ns; k++) {
        line *l = &b->l[seq[k]], *prev = k ? &b->l[seq[k - 1]] : NULL;
        l->start = !prev || !prev->body || !prev->full || l->indented || l->aside ||
                   (prev->page == l->page && l->base - prev->base > 1.5 * pitch);
    }
    for (int k = 0; k < ns; k++) {
        line *l = &b->l[seq[k]], *next = k + 1 < ns ? &b->l[seq[k + 1]] : NULL;
        l->end = !l->full || !next || next->start || !next->body;
    }

    /* 6-8. the measures */
    int nj = 0, hy = 0, run = 0;
    for (int k = 0; k < ns; k++) {
        line *l = &b->l[seq[k]];
        if (!l->body)
            continue;
        res->body++;
        res->past += l->past;
        if (S_debug && (l->past || l->hang))
            fprintf(stderr, "page %d: line at y %.1f ends %.2f pt past the edge%s\n", l->page + 1,
                    l->base, l->x1 - b->p[l->page].right, l->hang ? " (hanging)" : "");
        res->hang += l->hang;
        run = S_hyphen(l->last) ? run + 1 : 0;
        if (run > res->hyphen_run)
            res->hyphen_run = run;
        if (l->full && !l->end && l->ngaps > 0 && b->p[l->page].edge) {
            v[nj++] = l->gapsum / l->ngaps / S_em;
            if (v[nj - 1] > res->widest) {
                res->widest = v[nj - 1];
                res->widest_page = l->page + 1;
            }
            if (S_debug && v[nj - 1] > 0.6)
                fprintf(stderr, "page %d: line at y %.1f has %.2f em spaces (%d words)\n",
                        l->page + 1, l->base, v[nj - 1], l->nwords);
            hy += S_hyphen(l->last);
        }
    }
    res->justified = nj;
    if (nj > 0) {
        double sum = 0, sq = 0;
        for (int i = 0; i < nj; i++)
            sum += v[i];
        res->gap_mean = sum / nj;
        for (int i = 0; i < nj; i++)
            sq += (v[i] - res->gap_mean) * (v[i] - res->gap_mean);
        res->cv = nj > 1 ? sqrt(sq / (nj - 1)) / res->gap_mean : 0;
        double med = S_median(v, nj);
        res->gap_median = med;
        int loose = 0, tight = 0;
        for (int i = 0; i < nj; i++) {
            loose += v[i] > 1.5 * med;
            tight += v[i] < 0.7 * med;
        }
        res->loose = 100.0 * loose / nj;
        res->tight = 100.0 * tight / nj;
        res->hyphen_pct = 100.0 * hy / nj;
    }

    /* widows and orphans: first and last text lines of adjacent pages */
    int prev_last = -1; /* seq index of the last text line of the previous text page */
    for (int k = 0; k < ns;) {
        int p = b->l[seq[k]].page, j = k;
        while (j < ns && b->l[seq[j]].page == p)
            j++;
        res->text_pages++;
        line *first = &b->l[seq[k]], *last = &b->l[seq[j - 1]];
        if (prev_last >= 0) {
            line *pl = &b->l[seq[prev_last]];
            if (pl->page == p - 1 && first->body && pl->body && !first->full && !first->indented &&
                !first->aside && pl->full && !pl->end) {
                res->widows++;
                if (S_debug)
                    fprintf(stderr, "page %d: widow at y %.1f\n", p + 1, first->base);
            }
        }
        if (j < ns) {
            line *next = &b->l[seq[j]];
            if (next->page == p + 1 && last->body && last->start && last->full && !last->end &&
                next->body) {
                res->orphans++;
                if (S_debug)
                    fprintf(stderr, "page %d: orphan at y %.1f\n", p + 1, last->base);
            }
        }
        prev_last = j - 1;
        k = j;
    }
    free(seq);
    free(v);
}

static void S_legend(void)
{
    printf(
        "pdfquality legend (from pdftotext -bbox-layout word boxes; the same rules for every "
        "PDF):\n"
        "  body lines   lines of the most common height (+-15%%) among lines of 3 words or\n"
        "               more (CJK text, without word spaces, is not counted), less running\n"
        "               heads and folios (a line at a page's top or foot smaller than the body,\n"
        "               or more than 1.5 line pitches from the text and short of the right\n"
        "               edge) and contents entries (a number after a gap of more than 3 em)\n"
        "  edges        per page, the 1 pt windows holding most line starts and ends (on\n"
        "               the left, a window further left holding a quarter of the starts\n"
        "               wins: the denser one is an indent); where\n"
        "               under 3 lines or a third of the page's agree, the same over all pages\n"
        "               of that parity\n"
        "  justified    body lines reaching the right edge within 1 pt, with a word space, and\n"
        "               not a paragraph's last line (the next line is indented 0.3-4 em, follows\n"
        "               a gap of 1.5 pitches, follows a line short of the edge, or starts\n"
        "               more than 4 em in: centred)\n"
        "  space        per justified line, the mean gap between words (next xMin - xMax, gaps\n"
        "               under 0.05 em or beside CJK dropped) in em of %.4g pt; 'mean' and\n"
        "               'median' are over lines\n"
        "  widest       the widest per-line mean space of the book (its loosest line)\n"
        "  spread       coefficient of variation of the per-line mean space: sd / mean (one\n"
        "               very loose line weighs: see widest)\n"
        "  loose, tight share of justified lines whose space is > 1.5x, < 0.7x the median\n"
        "  past edge    body lines ending > 0.5 pt right of the edge; 'hang' counts apart those\n"
        "               whose last character is punctuation out by <= 0.5 em (protrusion;\n"
        "               1 em for CJK punctuation)\n"
        "  hyphen       share of justified lines ending in - (U+002D, U+2010, U+00AD); run: the\n"
        "               longest run of consecutive body lines so ending\n"
        "  widows       pages opening on a paragraph's short last line (at the left edge),\n"
        "               the page before ending on a full line\n"
        "  orphans      pages ending on a paragraph's first line (indented, after a gap or\n"
        "               after a short line) that goes on overleaf\n",
        S_em);
}

static const char *S_header =
    "file\tpages\tlines\tbody\tjustified\tspace_em\twidest_em\tspread_cv\t"
    "loose_pct\ttight_pct\tpast_edge\thang\thyphen_pct\t"
    "hyphen_run\twidows\torphans";

static void S_print(const char *file, const result *r, int tsv)
{
    if (tsv) {
        printf("%s\t%d\t%d\t%d\t%d\t%.3f\t%.2f\t%.3f\t%.1f\t%.1f\t%d\t%d\t%.1f\t%d\t%d\t%d\n", file,
               r->pages, r->lines, r->body, r->justified, r->gap_mean, r->widest, r->cv, r->loose,
               r->tight, r->past, r->hang, r->hyphen_pct, r->hyphen_run, r->widows, r->orphans);
        return;
    }
    printf("%s\n", file);
    printf("  pages          %d (%d with text)\n", r->pages, r->text_pages);
    printf("  lines          %d read: %d body, %d heads/folios, %d contents entries\n", r->lines,
           r->body, r->furniture, r->tabular);
    printf("  justified      %d lines\n", r->justified);
    if (r->justified) {
        printf("  space          %.3f em mean, %.3f median, widest %.2f (page %d)\n", r->gap_mean,
               r->gap_median, r->widest, r->widest_page);
        printf("  spread (CV)    %.3f\n", r->cv);
        printf("  loose / tight  %.1f %% / %.1f %%\n", r->loose, r->tight);
    }
    printf("  past edge      %d lines (hanging punctuation: %d)\n", r->past, r->hang);
    printf("  hyphen ends    %.1f %% of justified lines, longest run %d\n", r->hyphen_pct,
           r->hyphen_run);
    printf("  widows         %d\n", r->widows);
    printf("  orphans        %d\n", r->orphans);
}

static void S_usage(FILE *f)
{
    fprintf(f, "usage: pdfquality [-t] [-l] [-d] [-e PT] FILE...   (FILE: a PDF, pdftotext "
               "-bbox-layout XHTML, or - for it on stdin)\n");
}

int main(int argc, char **argv)
{
    int tsv = 0, legend = 0, opt;
    while ((opt = getopt(argc, argv, "tle:dh")) != -1) {
        switch (opt) {
        case 't': tsv = 1; break;
        case 'l': legend = 1; break;
        case 'd': S_debug = 1; break;
        case 'e':
            S_em = strtod(optarg, NULL);
            if (!(S_em > 0)) {
                S_usage(stderr);
                return 64;
            }
            break;
        case 'h': S_usage(stdout); return 0;
        default: S_usage(stderr); return 64;
        }
    }
    if (optind == argc && !legend) {
        S_usage(stderr);
        return 64;
    }
    LIBXML_TEST_VERSION
    int status = 0;
    if (tsv && optind < argc)
        printf("%s\n", S_header);
    for (int i = optind; i < argc; i++) {
        book b = {0};
        pid_t pid;
        int fd = S_open(argv[i], &pid);
        int bad = fd < 0 || S_read(&b, fd, argv[i]) < 0;
        if (fd > 0)
            close(fd);
        if (pid > 0) {
            int st;
            waitpid(pid, &st, 0);
            if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
                fprintf(stderr, "pdfquality: %s: pdftotext failed\n", argv[i]);
                bad = 1;
            }
        }
        if (bad) {
            status = 1;
        } else {
            result r;
            S_analyse(&b, &r);
            S_print(argv[i], &r, tsv);
        }
        free(b.w);
        free(b.l);
        free(b.p);
    }
    if (legend)
        S_legend();
    xmlCleanupParser();
    return status;
}
