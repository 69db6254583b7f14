package io.holdfast.fingerprint;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReferenceScannerTest {

    private static List<String> css(String text) {
        return ReferenceScanner.scan(text, ReferenceScanner.Kind.CSS).stream().map(r -> {
            assertEquals(r.rawPath(), text.substring(r.start(), r.end()), "positions match the text");
            return r.rawPath();
        }).toList();
    }

    @Test
    void findsUrlsImportsAndSourceMaps() {
        assertEquals(List.of("a.png", "b b.png", "c.png", "d.woff", "e.css", "f.css", "g.css.map"), css(String.join("\n",
                "x{background:url(a.png)}",
                "x{background:url( \"b b.png\" )}",
                "x{background:URL('c.png?v=1#x')}",
                "@font-face{src:url(d.woff#iefix)}",
                "@import 'e.css';",
                "@IMPORT url(\"f.css\") screen;",
                "/*# sourceMappingURL=g.css.map */")));
    }

    @Test
    void leavesOtherThingsAlone() {
        assertEquals(List.of(), css(String.join("\n",
                "x{background:url(data:image/png;base64,AAA)}",
                "x{background:url(https://a.example/x.png)}",
                "x{background:url(//a.example/x.png)}",
                "x{fill:url(#g)}",
                "x{fill:url(%23g)}",
                "x{width:calc(1px + 2px)}",
                "x{background:myurl(a.png)}",
                "x{background:url(unterminated.png}",
                "x{background:url('broken\n.png')}",
                "@importx 'a.css';",
                "x{content:\"sourceMappingURL=nope.map\"}")));
    }

    @Test
    void jsHasOnlySourceMaps() {
        String js = "var u = 'url(a.png)';\n//# sourceMappingURL=app.js.map\n//@ sourceMappingURL=old.js.map";
        assertEquals(List.of("app.js.map", "old.js.map"),
                ReferenceScanner.scan(js, ReferenceScanner.Kind.JS).stream().map(Reference::rawPath).toList());
    }
}
