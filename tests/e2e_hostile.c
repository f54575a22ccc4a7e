/*
 * e2e_hostile.c: inputs made to hurt a builder, each built as a user would
 * (`quire build DIR`, EPUB and PDF), each made here (no binary fixtures):
 * images that lie about their size or inflate without end, truncated or
 * unusual JPEGs, YAML that expands a billion times, Markdown nested or
 * repeated to extremes, text that is not quite UTF-8 or is hard to shape,
 * special files as inputs, two builds into one folder at once, and a build
 * killed mid-way. Each ends cleanly: the expected exit status and message
 * (at FILE:LINE:COL where there is one), in under 10 s and 1 GB (generous
 * bounds: the child's getrusage), nothing in dist/ after an error and one
 * whole EPUB and PDF after a success.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include "test.h"

/* Declared in test.h too; repeated so this file builds warning-free alone. */
void suite_hostile(void);

#define S_MAX_SECONDS 10.0
#define S_MAX_RSS_KB (1024L * 1024L) /* 1 GB */

/* Writes path (its folders made), failing the case if it cannot. */
static void S_put(const char *dir, const char *rel, const char *data, size_t len)
{
    qr_buf path = QR_BUF_INIT;
    qr_buf_addf(&path, "%s/%s", dir, rel);
    for (char *p = path.ptr + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            mkdir(path.ptr, 0777);
            *p = '/';
        }
    }
    if (qt_write(path.ptr, data, len) != 0)
        qt_fail(__FILE__, __LINE__, "cannot write %s", path.ptr);
    qr_buf_release(&path);
}

static void S_puts(const char *dir, const char *rel, const char *text)
{
    S_put(dir, rel, text, strlen(text));
}

/* Images ----------------------------------------------------------------- */

static void S_chunk(qr_buf *png, const char *type, const unsigned char *data, size_t len)
{
    unsigned char be[4] = {(unsigned char)(len >> 24), (unsigned char)(len >> 16),
                           (unsigned char)(len >> 8), (unsigned char)len};
    qr_buf_add(png, (const char *)be, 4);
    qr_buf_add(png, type, 4);
    if (len)
        qr_buf_add(png, (const char *)data, len);
    uLong crc = crc32(0, (const Bytef *)type, 4);
    if (len)
        crc = crc32(crc, data, (uInt)len);
    unsigned char c[4] = {(unsigned char)(crc >> 24), (unsigned char)(crc >> 16),
                          (unsigned char)(crc >> 8), (unsigned char)crc};
    qr_buf_add(png, (const char *)c, 4);
}

/* A grey 8-bit PNG whose IHDR says w x h and whose zlib data inflates to
 * `raw` zero bytes (w * h + h for an honest one). */
static void S_png(qr_buf *png, unsigned w, unsigned h, size_t raw)
{
    static const char sig[] = "\x89PNG\r\n\x1a\n";
    qr_buf_add(png, sig, 8);
    unsigned char ihdr[13] = {(unsigned char)(w >> 24),
                              (unsigned char)(w >> 16),
                              (unsigned char)(w >> 8),
                              (unsigned char)w,
                              (unsigned char)(h >> 24),
                              (unsigned char)(h >> 16),
                              (unsigned char)(h >> 8),
                              (unsigned char)h,
                              8,
                              0,
                              0,
                              0,
                              0};
    S_chunk(png, "IHDR", ihdr, sizeof ihdr);
    z_stream z;
    memset(&z, 0, sizeof z);
    deflateInit(&z, 9);
    size_t cap = raw / 500 + 65536;
    unsigned char *idat = malloc(cap), zeros[65536];
    memset(zeros, 0, sizeof zeros);
    z.next_out = idat;
    z.avail_out = (uInt)cap;
    for (size_t left = raw;;) {
        size_t n = left < sizeof zeros ? left : sizeof zeros;
        z.next_in = zeros;
        z.avail_in = (uInt)n;
        left -= n;
        deflate(&z, left == 0 ? Z_FINISH : Z_NO_FLUSH);
        if (left == 0)
            break;
    }
    S_chunk(png, "IDAT", idat, cap - z.avail_out);
    deflateEnd(&z);
    free(idat);
    S_chunk(png, "IEND", NULL, 0);
}

/*
 * An 8 x 8 JPEG, one block per component, every coefficient zero: grey (1
 * component) or CMYK (4, with Adobe's APP14), baseline or progressive.
 * Its Huffman tables hold one code each ('0': DC difference 0, and EOB),
 * so each scan's data is a few bits (ITU T.81 annexes B, C, G).
 */
static void S_jpeg(qr_buf *j, int components, int progressive)
{
    static const unsigned char soi[] = {0xFF, 0xD8};
    static const unsigned char adobe[] = {0xFF, 0xEE, 0x00, 0x0E, 'A',  'd',  'o',  'b',
                                          'e',  0x00, 0x64, 0x00, 0x00, 0x00, 0x00, 0x00};
    qr_buf_add(j, (const char *)soi, 2);
    if (components == 4)
        qr_buf_add(j, (const char *)adobe, sizeof adobe);
    unsigned char dqt[69] = {0xFF, 0xDB, 0x00, 0x43, 0x00};
    memset(dqt + 5, 1, 64);
    qr_buf_add(j, (const char *)dqt, sizeof dqt);
    unsigned char sof[8 + 3 * 4 + 2] = {0xFF, progressive ? 0xC2 : 0xC0, 0, 0, 8, 0, 8, 0, 8};
    sof[3] = (unsigned char)(8 + 3 * components);
    sof[9] = (unsigned char)components;
    for (int c = 0; c < components; c++) {
        sof[10 + 3 * c] = (unsigned char)(c + 1);
        sof[11 + 3 * c] = 0x11;
        sof[12 + 3 * c] = 0;
    }
    qr_buf_add(j, (const char *)sof, 10 + 3 * (size_t)components);
    for (int cls = 0; cls < 2; cls++) {
        unsigned char dht[22] = {0xFF, 0xC4, 0x00, 0x14, (unsigned char)(cls << 4), 1};
        qr_buf_add(j, (const char *)dht, sizeof dht); /* BITS: one code of 1 bit; value 0 */
    }
    /* a scan: its header, then its bits padded with 1s */
    for (int scan = 0; scan < (progressive ? 2 : 1); scan++) {
        unsigned char sos[6 + 2 * 4 + 2] = {0xFF, 0xDA};
        sos[3] = (unsigned char)(6 + 2 * components);
        sos[4] = (unsigned char)components;
        for (int c = 0; c < components; c++) {
            sos[5 + 2 * c] = (unsigned char)(c + 1);
            sos[6 + 2 * c] = 0x00;
        }
        size_t k = 5 + 2 * (size_t)components;
        sos[k] = scan == 1 ? 1 : 0;                     /* Ss */
        sos[k + 1] = progressive && scan == 0 ? 0 : 63; /* Se */
        sos[k + 2] = 0;                                 /* Ah, Al */
        qr_buf_add(j, (const char *)sos, k + 3);
        int bits = progressive ? components : 2 * components; /* '0' per code */
        unsigned char data = (unsigned char)(0xFF >> (bits > 8 ? 8 : bits));
        qr_buf_addc(j, (char)data);
        if (progressive && scan == 1 && components > 1)
            break; /* (progressive cases are grey: AC scans hold one component) */
    }
    static const unsigned char eoi[] = {0xFF, 0xD9};
    qr_buf_add(j, (const char *)eoi, 2);
}

/* A Markdown chapter naming images/i.png (the URL at 5:8), and that image. */
static void S_image_project(const char *dir, const char *data, size_t len)
{
    S_puts(dir, "seeds/ch.md", "# Chapter\n\nText.\n\n![alt](images/i.png)\n");
    S_put(dir, "seeds/images/i.png", data, len);
}

static void make_png_huge_header(const char *dir)
{
    qr_buf png = QR_BUF_INIT;
    S_png(&png, 100000, 100000, 0);
    S_image_project(dir, png.ptr, png.len);
    qr_buf_release(&png);
}

static void make_png_bomb(const char *dir)
{
    /* 100 x 100 pixels say the header; the data inflates to 400 MB */
    qr_buf png = QR_BUF_INIT;
    S_png(&png, 100, 100, (size_t)400 << 20);
    S_image_project(dir, png.ptr, png.len);
    qr_buf_release(&png);
}

static void make_png_many_pixels(const char *dir)
{
    /* 7000 x 7000: 49 megapixels of honest data, past the 40 allowed */
    qr_buf png = QR_BUF_INIT;
    S_png(&png, 7000, 7000, (size_t)7000 * 7001);
    S_image_project(dir, png.ptr, png.len);
    qr_buf_release(&png);
}

static void make_png_truncated(const char *dir)
{
    qr_buf png = QR_BUF_INIT;
    S_png(&png, 64, 64, 64 * 65);
    S_image_project(dir, png.ptr, png.len - 20); /* IEND and the IDAT's CRC gone */
    qr_buf_release(&png);
}

static void make_jpeg_truncated(const char *dir)
{
    qr_buf j = QR_BUF_INIT;
    S_jpeg(&j, 1, 0);
    S_image_project(dir, j.ptr, j.len - 3);
    qr_buf_release(&j);
}

static void make_jpeg_cmyk(const char *dir)
{
    qr_buf j = QR_BUF_INIT;
    S_jpeg(&j, 4, 0);
    S_image_project(dir, j.ptr, j.len);
    qr_buf_release(&j);
}

static void make_jpeg_progressive(const char *dir)
{
    qr_buf j = QR_BUF_INIT;
    S_jpeg(&j, 1, 1);
    S_image_project(dir, j.ptr, j.len);
    qr_buf_release(&j);
}

static void make_gif_as_png(const char *dir)
{
    static const char gif[] = "GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!"
                              "\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00"
                              "\x00\x02\x02D\x01\x00;";
    S_image_project(dir, gif, sizeof gif - 1);
}

static void make_svg_as_png(const char *dir)
{
    static const char svg[] = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" "
                              "height=\"10\"><script>alert(1)</script></svg>\n";
    S_image_project(dir, svg, sizeof svg - 1);
}

/* The manifest ------------------------------------------------------------ */

static void S_yaml_project(const char *dir, const char *yaml, size_t len)
{
    S_puts(dir, "seeds/a.txt", "Title\n\nSome text.\n");
    S_put(dir, "book.yaml", yaml, len);
}

static void make_yaml_laughs(const char *dir)
{
    /* nine levels of nine aliases: 9^9 (387 million) strings, expanded */
    qr_buf y = QR_BUF_INIT;
    qr_buf_adds(&y, "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    const char *names = "abcdefghi";
    for (int i = 1; i < 9; i++) {
        qr_buf_addf(&y, "%c: &%c [", names[i], names[i]);
        for (int k = 0; k < 9; k++)
            qr_buf_addf(&y, "%s*%c", k ? ", " : "", names[i - 1]);
        qr_buf_adds(&y, "]\n");
    }
    qr_buf_adds(&y, "subjects: *i\n");
    S_yaml_project(dir, y.ptr, y.len);
    qr_buf_release(&y);
}

static void make_yaml_duplicate(const char *dir)
{
    S_yaml_project(dir, "title: One\nauthor: Me\ntitle: Two\n", 32);
}

static void make_yaml_latin1(const char *dir)
{
    S_yaml_project(dir, "title: Caf\xe9\n", 11);
}

static void make_yaml_binary(const char *dir)
{
    S_yaml_project(dir, "title: A Book\nauthor: !!binary U2VjcmV0\n", 40);
}

/* Markdown ------------------------------------------------------------------ */

static void S_md(const char *dir, const qr_buf *md)
{
    S_put(dir, "seeds/ch.md", md->ptr, md->len);
}

static void make_md_brackets(const char *dir)
{
    qr_buf md = QR_BUF_INIT;
    qr_buf_adds(&md, "# Brackets\n\n");
    for (int i = 0; i < 100000; i++)
        qr_buf_addc(&md, '[');
    qr_buf_adds(&md, "deep");
    for (int i = 0; i < 100000; i++)
        qr_buf_addc(&md, ']');
    qr_buf_adds(&md, "\n");
    S_md(dir, &md);
    qr_buf_release(&md);
}

static void make_md_footnotes(const char *dir)
{
    qr_buf md = QR_BUF_INIT;
    qr_buf_adds(&md, "# Notes\n\n");
    for (int i = 1; i <= 50000; i++)
        qr_buf_addf(&md, "Word[^%d] ", i);
    qr_buf_adds(&md, "\n\n");
    for (int i = 1; i <= 50000; i++)
        qr_buf_addf(&md, "[^%d]: Note %d.\n", i, i);
    S_md(dir, &md);
    qr_buf_release(&md);
}

static void make_md_self_note(const char *dir)
{
    S_puts(dir, "seeds/ch.md",
           "# Loop\n\nText[^a].\n\n[^a]: See again[^a], and [^b].\n\n"
           "[^b]: Back to[^a].\n");
}

static void make_md_wide_table(const char *dir)
{
    qr_buf md = QR_BUF_INIT;
    qr_buf_adds(&md, "# Table\n\n");
    const char *row[3] = {"h", "-", "c"};
    for (int r = 0; r < 3; r++) {
        qr_buf_addc(&md, '|');
        for (int i = 0; i < 10000; i++)
            qr_buf_addf(&md, "%s|", row[r]);
        qr_buf_addc(&md, '\n');
    }
    S_md(dir, &md);
    qr_buf_release(&md);
}

static void make_md_entities(const char *dir)
{
    S_puts(dir, "seeds/ch.md", "# Entities\n\nNul &#0; surrogate &#xD800; far &#x110000; end.\n");
}

/* Plain text --------------------------------------------------------------- */

/* "Title", then a paragraph with s at 3:11. */
static void S_text(const char *dir, const char *s, size_t len)
{
    qr_buf t = QR_BUF_INIT;
    qr_buf_adds(&t, "Title\n\nSome text ");
    qr_buf_add(&t, s, len);
    qr_buf_adds(&t, " here, and more words after it.\n");
    S_put(dir, "seeds/a.txt", t.ptr, t.len);
    qr_buf_release(&t);
}

static void make_txt_overlong(const char *dir)
{
    S_text(dir, "\xC0\xAF", 2); /* '/' in two bytes */
}

static void make_txt_cesu(const char *dir)
{
    S_text(dir, "\xED\xA0\xBD\xED\xB8\x80", 6); /* U+1F600 as two surrogates */
}

static void make_txt_fffe(const char *dir)
{
    S_text(dir, "\xEF\xBF\xBE", 3);
}

static void make_txt_bidi(const char *dir)
{
    static const char s[] = "\xE2\x80\xAE"
                            "desrever"
                            "\xE2\x80\xAC and \xE2\x81\xA6isolated"
                            "\xE2\x81\xA9";
    S_text(dir, s, sizeof s - 1);
}

static void make_txt_combining(const char *dir)
{
    qr_buf s = QR_BUF_INIT;
    qr_buf_addc(&s, 'e');
    for (int i = 0; i < 10000; i++)
        qr_buf_adds(&s, "\xCC\x81");
    S_text(dir, s.ptr, s.len);
    qr_buf_release(&s);
}

static void make_txt_emoji(const char *dir)
{
    static const char s[] = "\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F"
                            "\x91\xA7 and \xF0\x9F\x8F\xB3\xEF\xB8\x8F\xE2\x80\x8D\xF0\x9F\x8C"
                            "\x88";
    S_text(dir, s, sizeof s - 1);
}

static void make_txt_thai(const char *dir)
{
    static const char s[] = "\xE0\xB8\xA0\xE0\xB8\xB2\xE0\xB8\xA9\xE0\xB8\xB2\xE0\xB9\x84\xE0"
                            "\xB8\x97\xE0\xB8\xA2"; /* ภาษาไทย */
    S_text(dir, s, sizeof s - 1);
}

static void make_txt_devanagari(const char *dir)
{
    static const char s[] = "\xE0\xA4\xB9\xE0\xA4\xBF\xE0\xA4\xA8\xE0\xA5\x8D\xE0\xA4\xA6\xE0"
                            "\xA5\x80"; /* हिन्दी */
    S_text(dir, s, sizeof s - 1);
}

/* Special files as inputs ---------------------------------------------------- */

static void make_fifo(const char *dir)
{
    qr_buf p = QR_BUF_INIT;
    qr_buf_addf(&p, "%s/pipe.md", dir);
    if (mkfifo(p.ptr, 0666) < 0)
        qt_fail(__FILE__, __LINE__, "mkfifo %s: %s", p.ptr, strerror(errno));
    qr_buf_release(&p);
}

static void make_dir_md(const char *dir)
{
    qr_buf p = QR_BUF_INIT;
    qr_buf_addf(&p, "%s/x.md", dir);
    mkdir(p.ptr, 0777);
    qr_buf_release(&p);
}

/* The table ------------------------------------------------------------------ */

typedef struct S_case {
    const char *name;
    void (*make)(const char *dir);
    const char *input; /* NULL: the project folder; else a path, "@x": the case's folder's x */
    int status;
    const char *message; /* a part of stderr that must be there, or NULL */
    const char *text;    /* with status 0: a text `quire dump` must show, or NULL */
    const char *warning; /* the warning a build may give, else only that no font has a
                          * character */
} S_case;

static const S_case cases[] = {
    {"PNG header of 100,000 x 100,000", make_png_huge_header, NULL, 65,
     "seeds/ch.md:5:8: error: image 'images/i.png' is 100000x100000 pixels", NULL, NULL},
    {"PNG bomb (100 x 100 inflating to 400 MB)", make_png_bomb, NULL, 65,
     "seeds/ch.md:5:8: error: image 'images/i.png': the PNG's data inflates past the size of its "
     "pixels",
     NULL, NULL},
    {"PNG of 49 megapixels", make_png_many_pixels, NULL, 65,
     "seeds/ch.md:5:8: error: image 'images/i.png' is 7000x7000 pixels", NULL, NULL},
    {"truncated PNG", make_png_truncated, NULL, 65,
     "seeds/ch.md:5:8: error: image 'images/i.png': truncated or corrupt PNG", NULL, NULL},
    {"truncated JPEG", make_jpeg_truncated, NULL, 65,
     "seeds/ch.md:5:8: error: image 'images/i.png': truncated JPEG", NULL, NULL},
    {"CMYK JPEG", make_jpeg_cmyk, NULL, 0, NULL, "image=seeds/images/i.png image/jpeg 8x8", NULL},
    {"progressive JPEG", make_jpeg_progressive, NULL, 0, NULL,
     "image=seeds/images/i.png image/jpeg 8x8", NULL},
    {"GIF named .png", make_gif_as_png, NULL, 65,
     "seeds/ch.md:5:8: error: image 'images/i.png' is not a PNG or JPEG image", NULL, NULL},
    {"SVG named .png", make_svg_as_png, NULL, 65,
     "seeds/ch.md:5:8: error: image 'images/i.png' is not a PNG or JPEG image", NULL, NULL},
    {"YAML aliases to a billion expansions", make_yaml_laughs, NULL, 65, "book.yaml:", NULL, NULL},
    {"YAML duplicate keys", make_yaml_duplicate, NULL, 65,
     "book.yaml:3:1: error: title is given twice (first at 1:1)", NULL, NULL},
    {"non-UTF-8 book.yaml", make_yaml_latin1, NULL, 65, "book.yaml:1:11: error: ", NULL, NULL},
    {"YAML !!binary", make_yaml_binary, NULL, 65, "book.yaml:2:9: error: a value tagged !!binary",
     NULL, NULL},
    {"Markdown: 100,000 nested brackets", make_md_brackets, NULL, 0, NULL, "deep", NULL},
    {"Markdown: 50,000 footnotes", make_md_footnotes, NULL, 0, NULL, "Note 50000.", NULL},
    {"Markdown: footnotes calling themselves", make_md_self_note, NULL, 0, NULL, "See again",
     "warning: a footnote reference inside a footnote is set as written"},
    {"Markdown: a table of 10,000 columns", make_md_wide_table, NULL, 0, NULL, NULL, NULL},
    {"Markdown: &#0; and &#xD800;", make_md_entities, NULL, 0, NULL,
     "Nul \xEF\xBF\xBD surrogate \xEF\xBF\xBD far \xEF\xBF\xBD end.", NULL},
    {"text: overlong UTF-8", make_txt_overlong, NULL, 65, "seeds/a.txt:3:11: error: invalid UTF-8",
     NULL, NULL},
    {"text: CESU-8 surrogates", make_txt_cesu, NULL, 65, "seeds/a.txt:3:11: error: invalid UTF-8",
     NULL, NULL},
    {"text: U+FFFE", make_txt_fffe, NULL, 65, "seeds/a.txt:3:11: error: U+FFFE is not a character",
     NULL, NULL},
    {"text: bidi overrides", make_txt_bidi, NULL, 0, NULL, "desrever", NULL},
    {"text: 10,000 combining marks", make_txt_combining, NULL, 0, NULL, "more words after", NULL},
    {"text: emoji ZWJ sequences", make_txt_emoji, NULL, 0, NULL,
     "\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9", NULL},
    {"text: Thai", make_txt_thai, NULL, 0, NULL, "\xE0\xB8\xA0\xE0\xB8\xB2\xE0\xB8\xA9", NULL},
    {"text: Devanagari", make_txt_devanagari, NULL, 0, NULL, "\xE0\xA4\xB9\xE0\xA4\xBF", NULL},
    {"a FIFO as input", make_fifo, "@pipe.md", 66, "pipe.md: error: not a regular file", NULL,
     NULL},
    {"/dev/zero as input", NULL, "/dev/zero", 66, "/dev/zero: error: not a regular file", NULL,
     NULL},
    {"a folder named x.md as input", make_dir_md, "@x.md", 66,
     "x.md/seeds: error: no manuscript folder", NULL, NULL},
};


/* Whether every line of err holds `allowed` (the one warning a case may
 * give). */
static int S_only_warnings(const char *err, const char *allowed)
{
    qr_buf line = QR_BUF_INIT;
    int ok = 1;
    for (const char *l = err; *l && ok;) {
        const char *nl = strchr(l, '\n');
        size_t len = nl ? (size_t)(nl - l) : strlen(l);
        qr_buf_reset(&line);
        qr_buf_add(&line, l, len);
        /* the source line and caret under a diagnostic ("  5 | text",
         * "    |   ^") belong to it */
        size_t k = 0;
        while (k < len && (l[k] == ' ' || (l[k] >= '0' && l[k] <= '9')))
            k++;
        int quoted = k > 0 && k < len && l[k] == '|';
        ok = len == 0 || quoted || strstr(line.ptr, allowed) != NULL;
        l += len + (nl ? 1 : 0);
    }
    qr_buf_release(&line);
    return ok;
}

/* Whether fontconfig has a font for a language (fc-list :lang=xx). */
static int S_have_font_for(const char *lang)
{
    qr_buf out = QR_BUF_INIT, pat = QR_BUF_INIT;
    qr_buf_addf(&pat, ":lang=%s", lang);
    const char *argv[] = {"fc-list", pat.ptr, NULL};
    int have = qt_run(argv, NULL, &out, NULL) == 0 && out.len > 0;
    qr_buf_release(&out);
    qr_buf_release(&pat);
    return have;
}

static void S_run_case(const S_case *c, int index)
{
    qr_buf dir = QR_BUF_INIT, dist = QR_BUF_INIT, in = QR_BUF_INIT, out = QR_BUF_INIT;
    qt_child r = {0};
    char name[64];
    snprintf(name, sizeof name, "hostile-%02d", index);
    qt_scratch(name, &dir);
    if (c->make)
        c->make(dir.ptr);
    if (!c->input)
        qr_buf_adds(&in, dir.ptr);
    else if (c->input[0] == '@')
        qr_buf_addf(&in, "%s/%s", dir.ptr, c->input + 1);
    else
        qr_buf_adds(&in, c->input);
    qr_buf_addf(&dist, "%s/dist", dir.ptr);
    const char *args[] = {"build", "-o", dist.ptr, in.ptr, NULL};
    int status = qt_child_run(args, 0, 0, 0, 60, &r);
    if (qt_verbose())
        fprintf(stderr, "  %s: exit %d, %.2f s (%.2f s CPU), %ld MB\n", c->name, status, r.seconds,
                r.cpu, r.max_rss_kb / 1024);
    if (status != c->status || (c->message && !strstr(r.err.ptr, c->message)))
        qt_fail(__FILE__, __LINE__, "%s: expected exit %d and \"%s\"\n  got exit %d and \"%s\"",
                c->name, c->status, c->message ? c->message : "", status, r.err.ptr);
    /* CPU time: the machine may be shared. A sanitizer build ($QUIRE set:
     * quire-asan, quire-ubsan) runs some times slower and larger. */
    const char *q = getenv("QUIRE");
    double slow = q && strstr(q, "asan") ? 5 : q && strstr(q, "ubsan") ? 3 : 1;
    long large = q && strstr(q, "asan") ? 3 : 1;
    if (r.cpu > S_MAX_SECONDS * slow)
        qt_fail(__FILE__, __LINE__, "%s: %.1f s of CPU, more than %.0f", c->name, r.cpu,
                S_MAX_SECONDS * slow);
    if (r.max_rss_kb > S_MAX_RSS_KB * large)
        qt_fail(__FILE__, __LINE__, "%s: %ld MB of memory, more than %ld GB", c->name,
                r.max_rss_kb / 1024, large);
    int tmp, n = qt_entries(dist.ptr, &tmp);
    if (c->status != 0 && n > 0)
        qt_fail(__FILE__, __LINE__, "%s: %d files in dist/ after an error", c->name, n);
    if (c->status == 0 && (n != 2 || tmp))
        qt_fail(__FILE__, __LINE__, "%s: %d files in dist/, not an EPUB and a PDF", c->name, n);
    if (c->status == 0) {
        /* warnings: only for characters no font has, and none for a
         * script a font has */
        const char *allowed = c->warning ? c->warning : "warning: no font has the character";
        if (!S_only_warnings(r.err.ptr, allowed))
            qt_fail(__FILE__, __LINE__, "%s: unexpected messages: %s", c->name, r.err.ptr);
        if ((c->make == make_txt_thai && S_have_font_for("th")) ||
            (c->make == make_txt_devanagari && S_have_font_for("hi")))
            CHECK(!strstr(r.err.ptr, "no font has"));
    }
    if (c->text) {
        const char *argv[] = {qt_quire_path(), "dump", in.ptr, NULL};
        if (qt_run(argv, NULL, &out, NULL) != 0 || !strstr(out.ptr, c->text))
            qt_fail(__FILE__, __LINE__, "%s: quire dump does not show \"%s\"", c->name, c->text);
    }
    qr_buf_release(&dir);
    qr_buf_release(&dist);
    qr_buf_release(&in);
    qr_buf_release(&out);
    qr_buf_release(&r.err);
}

/* Builds at once, and builds killed -------------------------------------- */

/* A book of some size (a few tenths of a second to build), in dir. */
static void S_medium_book(const char *dir)
{
    qr_buf t = QR_BUF_INIT;
    qr_buf_adds(&t, "# Harbour\n\n");
    for (int i = 0; i < 1500; i++)
        qr_buf_addf(&t,
                    "Paragraph %d of the harbour book, where the boats come in at dusk and "
                    "the nets are hung to dry along the quay.\n\n",
                    i);
    qr_buf_adds(&t, "The last words.\n");
    S_put(dir, "seeds/ch.md", t.ptr, t.len);
    qr_buf_release(&t);
}

/* Starts quire with args (after argv[0]), output discarded. */
static pid_t S_spawn(const char *const args[])
{
    const char *argv[8] = {qt_quire_path()};
    for (int i = 0; args[i] && i < 6; i++)
        argv[i + 1] = args[i];
    pid_t pid = fork();
    if (pid == 0) {
        int null = open("/dev/null", O_RDWR);
        dup2(null, 0);
        dup2(null, 1);
        dup2(null, 2);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    return pid;
}

static int S_wait(pid_t pid)
{
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* The book in dist/ is whole: the EPUB's spine and the PDF's text hold the
 * last words, and nothing else is there. */
static void S_check_whole(const char *what, const char *dist)
{
    qr_buf epub = QR_BUF_INIT, pdf = QR_BUF_INIT, nav = QR_BUF_INIT, text = QR_BUF_INIT;
    int tmp, docs = 0;
    int n = qt_entries(dist, &tmp);
    if (n != 2 || tmp)
        qt_fail(__FILE__, __LINE__, "%s: %d files in dist/%s", what, n,
                tmp ? ", a temporary among them" : "");
    qr_buf_addf(&epub, "%s/harbour.epub", dist);
    qr_buf_addf(&pdf, "%s/harbour.pdf", dist);
    if (qt_epub_spine_text(epub.ptr, &nav, &text, NULL, &docs) != 0 ||
        !strstr(text.ptr, "The last words."))
        qt_fail(__FILE__, __LINE__, "%s: %s is not whole", what, epub.ptr);
    qr_buf_reset(&text);
    const char *pt[] = {"pdftotext", pdf.ptr, "-", NULL};
    if (qt_run(pt, NULL, &text, NULL) != 0 || !strstr(text.ptr, "The last words."))
        qt_fail(__FILE__, __LINE__, "%s: %s is not whole", what, pdf.ptr);
    qr_buf_release(&epub);
    qr_buf_release(&pdf);
    qr_buf_release(&nav);
    qr_buf_release(&text);
}

/* Two builds of one book into one dist/ at once: both finish, and each
 * file is whole (one build's, or the other's). */
static void test_concurrent(void)
{
    qr_buf dir = QR_BUF_INIT, dist = QR_BUF_INIT;
    qt_scratch("hostile-concurrent", &dir);
    S_medium_book(dir.ptr);
    qr_buf_addf(&dist, "%s/dist", dir.ptr);
    mkdir(dist.ptr, 0777);
    for (int round = 0; round < 3; round++) {
        const char *args[] = {"build", dir.ptr, NULL};
        pid_t a = S_spawn(args), b = S_spawn(args);
        int ra = S_wait(a), rb = S_wait(b);
        if (ra != 0 || rb != 0)
            qt_fail(__FILE__, __LINE__, "two builds at once: exit %d and %d", ra, rb);
        S_check_whole("two builds at once", dist.ptr);
    }
    qr_buf_release(&dir);
    qr_buf_release(&dist);
}

/*
 * A build killed by SIGKILL cannot remove its temporary: the next build
 * removes those whose process is gone, and leaves those of a process that
 * still runs. A temporary of a dead process is planted (a child that has
 * exited), and builds are killed at times spread over a build's length.
 */
static void test_sigkill(void)
{
    qr_buf dir = QR_BUF_INIT, dist = QR_BUF_INIT, p = QR_BUF_INIT;
    qt_child r = {0};
    qt_scratch("hostile-sigkill", &dir);
    S_medium_book(dir.ptr);
    qr_buf_addf(&dist, "%s/dist", dir.ptr);
    const char *args[] = {"build", dir.ptr, NULL};
    if (qt_child_run(args, 0, 0, 0, 60, &r) != 0)
        qt_fail(__FILE__, __LINE__, "build: exit %d: %s", r.status, r.err.ptr);
    double length_ms = r.seconds * 1000;
    /* killed at 10%, 30%, ... 90% of a build */
    for (int k = 1; k <= 9; k += 2) {
        qt_child_run(args, 0, SIGKILL, length_ms * k / 10, 60, &r);
        if (r.status != 0 && r.status != 128 + SIGKILL)
            qt_fail(__FILE__, __LINE__, "killed build: exit %d", r.status);
    }
    /* planted: a dead process's temporaries, and a living one's */
    pid_t dead = fork();
    if (dead == 0)
        _exit(0);
    S_wait(dead);
    qr_buf_addf(&p, "%s/harbour.epub.tmp.%ld.AbC123", dist.ptr, (long)dead);
    qt_write(p.ptr, "half", 4);
    qr_buf_reset(&p);
    qr_buf_addf(&p, "%s/harbour.pdf.tmp.%ld.XyZ789", dist.ptr, (long)dead);
    qt_write(p.ptr, "half", 4);
    qr_buf_reset(&p);
    qr_buf_addf(&p, "%s/harbour.pdf.tmp.%ld.LiVe00", dist.ptr, (long)getpid());
    qt_write(p.ptr, "in use", 6);
    if (qt_child_run(args, 0, 0, 0, 60, &r) != 0)
        qt_fail(__FILE__, __LINE__, "the build after: exit %d: %s", r.status, r.err.ptr);
    struct stat st;
    CHECK(stat(p.ptr, &st) == 0); /* a running process's temporary stays */
    unlink(p.ptr);
    S_check_whole("the build after builds killed", dist.ptr);
    qr_buf_release(&dir);
    qr_buf_release(&dist);
    qr_buf_release(&p);
    qr_buf_release(&r.err);
}

static void test_inputs(void)
{
    for (size_t i = 0; i < QR_ARRAY_LEN(cases); i++)
        S_run_case(&cases[i], (int)i);
}

void suite_hostile(void)
{
    qt_case("hostile/inputs", test_inputs);
    qt_case("hostile/concurrent", test_concurrent);
    qt_case("hostile/sigkill", test_sigkill);
}
