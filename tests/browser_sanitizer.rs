//! The browser-side sanitizer in real headless Chromium (`wasm-bindgen-test`): benign finews
//! markup keeps its meaning, attack markup loses everything that could run or navigate.
#![cfg(target_arch = "wasm32")]

use gazette_app::sanitize_dom::sanitize_to_string;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn clean(html: &str) -> String {
    sanitize_to_string(&gloo::utils::document(), html)
}

#[wasm_bindgen_test]
fn finews_paragraphs_bold_and_links_survive() {
    assert_eq!(
        clean("<p><strong>一是大力实施乡村振兴人才壮大工程。</strong>通过实施</p>"),
        "<p><strong>一是大力实施乡村振兴人才壮大工程。</strong>通过实施</p>"
    );
    assert_eq!(
        clean(
            r#"<a href="//finews.withounder.com/category/nanfangPlus.html">返回南方Plus新闻</a>"#
        ),
        r#"<a href="//finews.withounder.com/category/nanfangPlus.html" rel="noopener noreferrer" target="_blank">返回南方Plus新闻</a>"#
    );
}

#[wasm_bindgen_test]
fn in_app_links_stay_in_the_tab() {
    assert_eq!(
        clean(r##"<a href="#/category/emnews" target="_blank">返回</a>"##),
        r##"<a href="#/category/emnews" rel="noopener noreferrer">返回</a>"##
    );
}

#[wasm_bindgen_test]
fn anchors_stay_on_any_element_and_other_ids_go() {
    assert_eq!(
        clean(
            r##"<h2 id="gz-intro">A</h2><p id="gz-x">B<sup id="gz-fnref:1"><a href="#gz-fn:1">1</a></sup></p><ol><li id="gz-fn:1">C <a href="#gz-fnref:1" target="_blank">↩</a></li></ol><h3 id="intro">D <a href="#intro">E</a></h3>"##
        ),
        r##"<h2 id="gz-intro">A</h2><p id="gz-x">B<sup id="gz-fnref:1"><a href="#gz-fn:1" rel="noopener noreferrer">1</a></sup></p><ol><li id="gz-fn:1">C <a href="#gz-fnref:1" rel="noopener noreferrer">↩</a></li></ol><h3>D <a rel="noopener noreferrer" target="_blank">E</a></h3>"##
    );
}

#[wasm_bindgen_test]
fn finews_stock_markup_loses_styles_ids_and_data() {
    let html = r#"<p style="text-align:center;"><span id="stock_1.600160"><a href="http://quote.eastmoney.com/unify/r/1.600160" class="keytip" data-code="1,600160">巨化股份</a></span></p>"#;
    assert_eq!(
        clean(html),
        r#"<p><span><a href="http://quote.eastmoney.com/unify/r/1.600160" rel="noopener noreferrer" target="_blank">巨化股份</a></span></p>"#
    );
}

#[wasm_bindgen_test]
fn images_are_lazy_and_send_no_referrer() {
    assert_eq!(
        clean(
            r#"<center><img src="https://dfscdn.dfcfw.com/a.jpg" alt="Image" width="552" style="border:1px"></center>"#
        ),
        r#"<center><img src="https://dfscdn.dfcfw.com/a.jpg" alt="Image" width="552" loading="lazy" referrerpolicy="no-referrer"></center>"#
    );
}

#[wasm_bindgen_test]
fn scripts_handlers_and_frames_are_removed() {
    assert_eq!(clean("<p>a<script>alert(1)</script>b</p>"), "<p>ab</p>");
    assert_eq!(
        clean(r#"<img src="x.png" onerror="alert(1)">"#),
        r#"<img src="x.png" loading="lazy" referrerpolicy="no-referrer">"#
    );
    assert_eq!(
        clean(r#"<iframe srcdoc="<script>alert(1)</script>"></iframe>ok"#),
        "ok"
    );
    assert_eq!(
        clean(r#"<svg><script>alert(1)</script></svg><math><mi>x</mi></math>ok"#),
        "ok"
    );
    // A form keeps its text as a `div`; its controls go with their content.
    assert_eq!(
        clean(
            r#"<form action="javascript:alert(1)" name="f"><button formaction="javascript:alert(1)">x</button>text</form>"#
        ),
        "<div>text</div>"
    );
}

#[wasm_bindgen_test]
fn block_containers_become_divs_that_keep_their_boundary() {
    assert_eq!(
        clean("<section>Reuters</section><section>Beijing</section>"),
        "<div>Reuters</div><div>Beijing</div>"
    );
    assert_eq!(
        clean(
            r#"<main class="m" lang="en"><nav is="x"><a href="/">Home</a></nav><aside title="t">Note</aside></main>"#
        ),
        r#"<div lang="en"><div><a href="/" rel="noopener noreferrer" target="_blank">Home</a></div><div title="t">Note</div></div>"#
    );
    assert_eq!(
        clean("<menu><li>a</li></menu><listing>b\nc</listing>"),
        "<ul><li>a</li></ul><pre>b\nc</pre>"
    );
}

#[wasm_bindgen_test]
fn script_and_data_urls_are_dropped_even_when_disguised() {
    for html in [
        r#"<a href="javascript:alert(1)">x</a>"#,
        r#"<a href="JaVaScRiPt:alert(1)">x</a>"#,
        r#"<a href="java&#09;script:alert(1)">x</a>"#,
        r#"<a href="&#106;avascript:alert(1)">x</a>"#,
        r#"<a href=" javascript:alert(1)">x</a>"#,
        r#"<a href="data:text/html,<script>alert(1)</script>">x</a>"#,
        r#"<a href="vbscript:msgbox(1)">x</a>"#,
    ] {
        let cleaned = clean(html);
        assert!(!cleaned.contains("href"), "{html} → {cleaned}");
        assert!(cleaned.contains(">x</a>"), "{html} → {cleaned}");
    }
}

#[wasm_bindgen_test]
fn mutation_xss_through_noscript_and_template_is_inert() {
    let cleaned =
        clean(r#"<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>"#);
    assert!(!cleaned.contains("onerror"), "{cleaned}");
    assert_eq!(
        clean("<template><img src=x onerror=alert(1)></template>ok"),
        "ok"
    );
    assert_eq!(clean("<!-- <img src=x onerror=alert(1)> -->ok"), "ok");
}

#[wasm_bindgen_test]
fn an_is_value_is_dropped_without_losing_the_element_or_its_text() {
    // The parser keeps `is` as the element's "is value", which serializing would write back;
    // the element is rebuilt without it. An attribute name `setAttribute` refuses (`"a`) must
    // not cost the element its text.
    assert_eq!(
        clean(r#"<p is=x title=t "a=1 onclick=alert(1)>text <b is=y>bold</b></p>"#),
        r#"<p title="t">text <b>bold</b></p>"#
    );
}

/// Markup the browser would take minutes to parse (a damaged body nested 200,000 deep, or tens
/// of megabytes) is refused before it is parsed; deep but ordinary articles are not.
#[wasm_bindgen_test]
fn markup_too_deep_or_too_large_is_refused_unparsed() {
    let document = gloo::utils::document();
    let refused = |html: &str| {
        gazette_app::sanitize_dom::sanitize_to_string_with_removals(&document, html).is_err()
    };
    let nested = |depth: usize| "<div>".repeat(depth) + "x" + &"</div>".repeat(depth);
    assert!(!refused(&nested(500)));
    assert!(refused(&nested(600)));
    assert!(refused(&"<div>".repeat(200_000)));
    // Optional end tags and void elements are not depth: a long list of `<p>`s is an article.
    assert!(!refused(&"<p>para<br>".repeat(5_000)));
    assert!(!refused(&format!("<ul>{}</ul>", "<li>item".repeat(5_000))));
    assert!(refused(&"x".repeat(9 << 20)));
}
