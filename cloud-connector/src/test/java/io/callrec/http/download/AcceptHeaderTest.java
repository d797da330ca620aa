package io.callrec.http.download;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class AcceptHeaderTest {

    @ParameterizedTest(name = "[{index}] {0} -> html={1}")
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
            // Chromium's and Firefox's navigation headers
            "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8"
                    + ",application/signed-exchange;v=b3;q=0.7 | true",
            "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8 | true",
            "NULL | false",
            "'' | false",
            "*/* | false",
            "application/json | false",
            "text/html | true",
            "text/* | true",
            "TEXT/HTML | true",
            "application/json, text/html;q=0.5 | false",
            "text/html;q=0.5, application/json;q=0.4 | true",
            "text/html;q=0.5, application/json;q=0.5 | false",
            "text/html;q=0, */* | false",
            "text/*;q=0.9, text/html;q=0.1, */*;q=0.5 | false",
            "text/html;level=1;q=1.0, application/*;q=0.9 | true",
            "application/*, text/html;q=0.99 | false",
            // malformed elements are skipped, the rest still counts
            "text/html;q=2, application/json;q=0.5 | false",
            "text/html;q=-1, */*;q=0.1 | false",
            "text/html;q=0.12345 | false",
            "text/html;q=abc | false",
            "html, application/json;q=0.1 | false",
            "/html, text/html | true",
            ",,,;;;,text/html | true",
            "text/html ; q = 0.8 , application/json;q=0.7 | false",
    })
    void choosesHtmlOnlyWhenStrictlyPreferred(String accept, boolean html) {
        assertEquals(html, AcceptHeader.prefersHtml(accept));
    }

    @Test
    void qualityOfTheMostSpecificRange() {
        String accept = "text/*;q=0.3, text/html;q=0.7, */*;q=0.5";
        assertEquals(0.7, AcceptHeader.quality(accept, "text/html"));
        assertEquals(0.3, AcceptHeader.quality(accept, "text/plain"));
        assertEquals(0.5, AcceptHeader.quality(accept, "application/json"));
        assertEquals(0.0, AcceptHeader.quality("image/png", "application/json"));
    }

    @Test
    void aHugeHeaderIsBoundedWork() {
        String accept = "a/b,".repeat(100_000) + "text/html";
        assertFalse(AcceptHeader.prefersHtml(accept), "only the first elements are read");
    }
}
