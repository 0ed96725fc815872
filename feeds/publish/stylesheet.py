"""output/feed.xsl: what a person sees on opening a .rss or .atom file in a browser.

Every published RSS and Atom document names the stylesheet in an <?xml-stylesheet?>
processing instruction right after its XML declaration. Feed readers ignore processing
instructions, so they read the same feed as before; a browser (when the file is served as
application/xml or text/xml: browsers show application/rss+xml as source text or offer a
download) runs the XSLT 1.0 below and shows a page that explains what a feed is and lists the
items.

One stylesheet handles both formats. It writes no script and loads nothing else: its style
is the index page's own CSS, inline. Summaries travel as escaped HTML; browsers cannot be
relied on to un-escape it (Firefox ignores disable-output-escaping), so the stylesheet strips
the tags and decodes the common entities itself and shows plain text. Dates are shown as
written in the feed (UTC): XSLT 1.0 has no time zone arithmetic.
"""

from feeds.publish.page import CSS

STYLESHEET_NAME = "feed.xsl"
PROCESSING_INSTRUCTION = f'<?xml-stylesheet type="text/xsl" href="{STYLESHEET_NAME}"?>'.encode()
SUMMARY_LENGTH = 300  # characters of plain text shown per item, as in the feeds' summaries


def with_stylesheet(document: bytes) -> bytes:
    """`document` (an XML document starting with its declaration) naming feed.xsl.

    The instruction goes on its own line after the declaration, which must stay first."""
    declaration, newline, rest = document.partition(b"\n")
    if not declaration.startswith(b"<?xml ") or not newline:
        raise ValueError("expected an XML document that starts with its XML declaration")
    return declaration + b"\n" + PROCESSING_INSTRUCTION + b"\n" + rest


FEED_XSL = f"""<?xml version="1.0" encoding="UTF-8"?>
<!-- Shows an RSS 2.0 or Atom 1.0 feed of this site as a page, in Indonesian. -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:atom="http://www.w3.org/2005/Atom"
    exclude-result-prefixes="atom">
  <xsl:output method="html" encoding="UTF-8" indent="yes" doctype-system="about:legacy-compat"/>

  <xsl:variable name="is-atom" select="boolean(/atom:feed)"/>
  <xsl:variable name="kind">
    <xsl:choose>
      <xsl:when test="$is-atom">Atom</xsl:when>
      <xsl:otherwise>RSS</xsl:otherwise>
    </xsl:choose>
  </xsl:variable>
  <xsl:variable name="title" select="/rss/channel/title | /atom:feed/atom:title"/>
  <xsl:variable name="description" select="/rss/channel/description | /atom:feed/atom:subtitle"/>
  <xsl:variable name="self"
      select="/rss/channel/atom:link[@rel='self']/@href | /atom:feed/atom:link[@rel='self']/@href"/>
  <xsl:variable name="home"
      select="/rss/channel/link | /atom:feed/atom:link[@rel='alternate']/@href"/>

  <xsl:template match="/">
    <html lang="id">
      <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <title><xsl:value-of select="$title"/> (feed <xsl:value-of select="$kind"/>)</title>
        <style>
{CSS}
        </style>
      </head>
      <body>
        <div class="wrap">
          <header class="masthead">
            <h1><xsl:value-of select="$title"/></h1>
            <p class="lead"><xsl:value-of select="$description"/></p>
          </header>
          <main>
            <section aria-labelledby="langganan">
              <h2 id="langganan">Berlangganan</h2>
              <p>Ini adalah feed <xsl:value-of select="$kind"/>. Salin alamat ini ke aplikasi
                pembaca berita Anda untuk mengikuti berita terbaru:</p>
              <p><code><xsl:value-of select="$self"/></code></p>
              <p class="note">Halaman ini hanya pratinjau; aplikasi pembaca berita akan
                memberi tahu Anda setiap ada berita baru.
                <xsl:if test="$home">
                  <a href="{{$home}}">Kunjungi situs</a>
                </xsl:if>
              </p>
            </section>
            <section aria-labelledby="terbaru">
              <h2 id="terbaru">Berita terbaru</h2>
              <ol class="articles">
                <xsl:apply-templates select="/rss/channel/item | /atom:feed/atom:entry"/>
              </ol>
            </section>
          </main>
        </div>
      </body>
    </html>
  </xsl:template>

  <xsl:template match="item">
    <xsl:call-template name="card">
      <xsl:with-param name="title" select="title"/>
      <xsl:with-param name="link" select="link"/>
      <xsl:with-param name="date">
        <xsl:call-template name="rfc822-date">
          <xsl:with-param name="value" select="normalize-space(pubDate)"/>
        </xsl:call-template>
      </xsl:with-param>
      <xsl:with-param name="html" select="description"/>
    </xsl:call-template>
  </xsl:template>

  <xsl:template match="atom:entry">
    <xsl:call-template name="card">
      <xsl:with-param name="title" select="atom:title"/>
      <xsl:with-param name="link"
          select="atom:link[@rel='alternate' or not(@rel)][1]/@href"/>
      <xsl:with-param name="date">
        <xsl:call-template name="rfc3339-date">
          <xsl:with-param name="value"
              select="normalize-space((atom:published | atom:updated)[1])"/>
        </xsl:call-template>
      </xsl:with-param>
      <xsl:with-param name="html" select="atom:summary | atom:content[not(../atom:summary)]"/>
    </xsl:call-template>
  </xsl:template>

  <xsl:template name="card">
    <xsl:param name="title"/>
    <xsl:param name="link"/>
    <xsl:param name="date"/>
    <xsl:param name="html"/>
    <li>
      <article>
        <div class="body">
          <h3>
            <xsl:choose>
              <xsl:when test="string($link)">
                <a href="{{$link}}"><xsl:value-of select="$title"/></a>
              </xsl:when>
              <xsl:otherwise><xsl:value-of select="$title"/></xsl:otherwise>
            </xsl:choose>
          </h3>
          <xsl:if test="string($date)">
            <p class="meta"><xsl:value-of select="$date"/></p>
          </xsl:if>
          <xsl:variable name="text">
            <xsl:call-template name="plain-text">
              <xsl:with-param name="html" select="$html"/>
            </xsl:call-template>
          </xsl:variable>
          <xsl:if test="normalize-space($text)">
            <p>
              <xsl:value-of select="substring(normalize-space($text), 1, {SUMMARY_LENGTH})"/>
              <xsl:if test="string-length(normalize-space($text)) &gt; {SUMMARY_LENGTH}">…</xsl:if>
            </p>
          </xsl:if>
        </div>
      </article>
    </li>
  </xsl:template>

  <!-- "Fri, 27 Nov 2026 07:40:00 +0000" as "27 November 2026 07:40 UTC". -->
  <xsl:template name="rfc822-date">
    <xsl:param name="value"/>
    <xsl:variable name="rest" select="substring-after($value, ', ')"/>
    <xsl:choose>
      <xsl:when test="string-length($rest) &gt;= 20">
        <xsl:value-of select="number(substring($rest, 1, 2))"/>
        <xsl:text> </xsl:text>
        <xsl:call-template name="month">
          <xsl:with-param name="number" select="1 + string-length(substring-before(
              'JanFebMarAprMayJunJulAugSepOctNovDec', substring($rest, 4, 3))) div 3"/>
        </xsl:call-template>
        <xsl:value-of select="concat(' ', substring($rest, 8, 4), ' ', substring($rest, 13, 5))"/>
        <xsl:call-template name="zone">
          <xsl:with-param name="offset" select="substring($rest, 22)"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="$value"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- "2026-11-27T06:40:00+00:00" as "27 November 2026 06:40 UTC". -->
  <xsl:template name="rfc3339-date">
    <xsl:param name="value"/>
    <xsl:choose>
      <xsl:when test="string-length($value) &gt;= 20">
        <xsl:value-of select="number(substring($value, 9, 2))"/>
        <xsl:text> </xsl:text>
        <xsl:call-template name="month">
          <xsl:with-param name="number" select="number(substring($value, 6, 2))"/>
        </xsl:call-template>
        <xsl:value-of
            select="concat(' ', substring($value, 1, 4), ' ', substring($value, 12, 5))"/>
        <xsl:call-template name="zone">
          <xsl:with-param name="offset" select="substring($value, 20)"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="$value"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="zone">
    <xsl:param name="offset"/>
    <xsl:choose>
      <xsl:when test="$offset = '+0000' or $offset = '+00:00' or $offset = 'Z'
                      or $offset = 'GMT'"> UTC</xsl:when>
      <xsl:when test="$offset = '+0700' or $offset = '+07:00'"> WIB</xsl:when>
      <xsl:when test="$offset = '+0800' or $offset = '+08:00'"> WITA</xsl:when>
      <xsl:when test="$offset = '+0900' or $offset = '+09:00'"> WIT</xsl:when>
      <xsl:otherwise><xsl:value-of select="concat(' ', $offset)"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- A month number, named in Indonesian. -->
  <xsl:template name="month">
    <xsl:param name="number"/>
    <xsl:choose>
      <xsl:when test="$number = 1">Januari</xsl:when>
      <xsl:when test="$number = 2">Februari</xsl:when>
      <xsl:when test="$number = 3">Maret</xsl:when>
      <xsl:when test="$number = 4">April</xsl:when>
      <xsl:when test="$number = 5">Mei</xsl:when>
      <xsl:when test="$number = 6">Juni</xsl:when>
      <xsl:when test="$number = 7">Juli</xsl:when>
      <xsl:when test="$number = 8">Agustus</xsl:when>
      <xsl:when test="$number = 9">September</xsl:when>
      <xsl:when test="$number = 10">Oktober</xsl:when>
      <xsl:when test="$number = 11">November</xsl:when>
      <xsl:when test="$number = 12">Desember</xsl:when>
      <xsl:otherwise><xsl:value-of select="$number"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- Escaped HTML (what RSS descriptions and Atom type="html" carry) as plain text: tags
       dropped, then entities decoded. Only the first 2000 characters are read, which keeps
       the recursion shallow whatever the feed holds. -->
  <xsl:template name="plain-text">
    <xsl:param name="html"/>
    <xsl:variable name="stripped">
      <xsl:call-template name="strip-tags">
        <xsl:with-param name="html" select="substring($html, 1, 2000)"/>
      </xsl:call-template>
    </xsl:variable>
    <xsl:call-template name="decode-entities">
      <xsl:with-param name="text" select="string($stripped)"/>
    </xsl:call-template>
  </xsl:template>

  <xsl:template name="strip-tags">
    <xsl:param name="html"/>
    <xsl:choose>
      <xsl:when test="contains($html, '&lt;')">
        <xsl:value-of select="substring-before($html, '&lt;')"/>
        <xsl:text> </xsl:text>
        <xsl:call-template name="strip-tags">
          <xsl:with-param name="html"
              select="substring-after(substring-after($html, '&lt;'), '&gt;')"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="$html"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="decode-entities">
    <xsl:param name="text"/>
    <xsl:choose>
      <xsl:when test="contains($text, '&amp;')">
        <xsl:value-of select="substring-before($text, '&amp;')"/>
        <xsl:variable name="rest" select="substring-after($text, '&amp;')"/>
        <xsl:variable name="entity" select="substring-before($rest, ';')"/>
        <xsl:variable name="character">
          <xsl:choose>
            <xsl:when test="$entity = 'amp'">&amp;</xsl:when>
            <xsl:when test="$entity = 'lt'">&lt;</xsl:when>
            <xsl:when test="$entity = 'gt'">&gt;</xsl:when>
            <xsl:when test="$entity = 'quot' or $entity = '#34'">"</xsl:when>
            <xsl:when test="$entity = 'apos' or $entity = '#39' or $entity = '#x27'">'</xsl:when>
            <xsl:when test="$entity = 'nbsp' or $entity = '#160'">&#160;</xsl:when>
          </xsl:choose>
        </xsl:variable>
        <xsl:choose>
          <xsl:when test="string($character)">
            <xsl:value-of select="$character"/>
            <xsl:call-template name="decode-entities">
              <xsl:with-param name="text" select="substring-after($rest, ';')"/>
            </xsl:call-template>
          </xsl:when>
          <xsl:otherwise>
            <xsl:text>&amp;</xsl:text>
            <xsl:call-template name="decode-entities">
              <xsl:with-param name="text" select="$rest"/>
            </xsl:call-template>
          </xsl:otherwise>
        </xsl:choose>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="$text"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>
</xsl:stylesheet>
""".encode()
