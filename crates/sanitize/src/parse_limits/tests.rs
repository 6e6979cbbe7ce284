//! The pass against html5ever itself: on the red team's markup it refuses; on sloppy real
//! markup it does not; on random markup its depth and its count of elements are at least
//! those of the tree html5ever builds.

use std::borrow::Cow;
use std::cell::{Ref, RefCell};

use html5ever::interface::{ElementFlags, NodeOrText, QuirksMode, TreeSink};
use html5ever::tendril::{StrTendril, TendrilSink};
use html5ever::{local_name, ns, Attribute, QualName};
use rand::{Rng, SeedableRng};

use super::*;

/// The tree html5ever builds, reduced to each node's parent, and the elements it made.
#[derive(Default)]
struct Counted {
    names: RefCell<Vec<QualName>>,
    parents: RefCell<Vec<Option<usize>>>,
    is_element: RefCell<Vec<bool>>,
    template_contents: RefCell<Vec<(usize, usize)>>,
    elements: RefCell<usize>,
    /// `annotation-xml` elements that hold HTML (as ammonia's DOM answers).
    annotations_of_html: RefCell<Vec<usize>>,
}

impl Counted {
    fn node(&self, name: QualName, element: bool) -> usize {
        self.names.borrow_mut().push(name);
        self.parents.borrow_mut().push(None);
        self.is_element.borrow_mut().push(element);
        self.parents.borrow().len() - 1
    }

    /// Elements with the most element ancestors, the context's `html` root left out.
    fn depth(&self) -> usize {
        let parents = self.parents.borrow();
        let is_element = self.is_element.borrow();
        let mut depths = vec![None; parents.len()];
        fn depth_of(
            node: usize,
            parents: &[Option<usize>],
            is_element: &[bool],
            depths: &mut Vec<Option<usize>>,
        ) -> usize {
            if let Some(depth) = depths[node] {
                return depth;
            }
            let above = parents[node].map_or(0, |p| depth_of(p, parents, is_element, depths));
            let depth = above + usize::from(is_element[node]);
            depths[node] = Some(depth);
            depth
        }
        (0..parents.len())
            .map(|node| depth_of(node, &parents, &is_element, &mut depths))
            .max()
            .unwrap_or(0)
            .saturating_sub(1)
    }
}

impl TreeSink for Counted {
    type Handle = usize;
    type Output = Self;
    type ElemName<'a> = Ref<'a, QualName>;

    fn finish(self) -> Self {
        self
    }
    fn parse_error(&self, _: Cow<'static, str>) {}
    fn get_document(&self) -> usize {
        0
    }
    fn elem_name<'a>(&'a self, target: &'a usize) -> Ref<'a, QualName> {
        Ref::map(self.names.borrow(), |names| &names[*target])
    }
    fn create_element(&self, name: QualName, _: Vec<Attribute>, flags: ElementFlags) -> usize {
        *self.elements.borrow_mut() += 1;
        let template = name.expanded() == html5ever::expanded_name!(html "template");
        let node = self.node(name, true);
        if flags.mathml_annotation_xml_integration_point {
            self.annotations_of_html.borrow_mut().push(node);
        }
        if template {
            let contents = self.node(QualName::new(None, ns!(), local_name!("")), false);
            self.parents.borrow_mut()[contents] = Some(node);
            self.template_contents.borrow_mut().push((node, contents));
        }
        node
    }
    fn create_comment(&self, _: StrTendril) -> usize {
        self.node(QualName::new(None, ns!(), local_name!("")), false)
    }
    fn create_pi(&self, _: StrTendril, _: StrTendril) -> usize {
        self.node(QualName::new(None, ns!(), local_name!("")), false)
    }
    fn append(&self, parent: &usize, child: NodeOrText<usize>) {
        if let NodeOrText::AppendNode(child) = child {
            self.parents.borrow_mut()[child] = Some(*parent);
        }
    }
    fn append_based_on_parent_node(
        &self,
        element: &usize,
        prev_element: &usize,
        child: NodeOrText<usize>,
    ) {
        if self.parents.borrow()[*element].is_some() {
            self.append_before_sibling(element, child);
        } else {
            self.append(prev_element, child);
        }
    }
    fn append_doctype_to_document(&self, _: StrTendril, _: StrTendril, _: StrTendril) {}
    fn get_template_contents(&self, target: &usize) -> usize {
        self.template_contents
            .borrow()
            .iter()
            .find(|(t, _)| t == target)
            .map(|(_, c)| *c)
            .expect("a template")
    }
    fn is_mathml_annotation_xml_integration_point(&self, handle: &usize) -> bool {
        self.annotations_of_html.borrow().contains(handle)
    }
    fn same_node(&self, x: &usize, y: &usize) -> bool {
        x == y
    }
    fn set_quirks_mode(&self, _: QuirksMode) {}
    fn append_before_sibling(&self, sibling: &usize, new_node: NodeOrText<usize>) {
        if let NodeOrText::AppendNode(node) = new_node {
            let parent = self.parents.borrow()[*sibling];
            self.parents.borrow_mut()[node] = parent;
        }
    }
    fn add_attrs_if_missing(&self, _: &usize, _: Vec<Attribute>) {}
    fn remove_from_parent(&self, target: &usize) {
        self.parents.borrow_mut()[*target] = None;
    }
    fn reparent_children(&self, node: &usize, new_parent: &usize) {
        for parent in self.parents.borrow_mut().iter_mut() {
            if *parent == Some(*node) {
                *parent = Some(*new_parent);
            }
        }
    }
}

/// html5ever's tree of `html` as ammonia parses it (a fragment in a `<div>`).
fn html5ever_tree(html: &str) -> Counted {
    let sink = Counted::default();
    // The document, node 0.
    sink.node(QualName::new(None, ns!(), local_name!("")), false);
    html5ever::parse_fragment(
        sink,
        Default::default(),
        QualName::new(None, ns!(html), local_name!("div")),
        vec![],
        false,
    )
    .one(html)
}

fn refusal(html: &str) -> String {
    check(html).expect_err("refused")
}

#[test]
fn reopened_formatting_elements_are_refused_before_they_are_made() {
    // The red team's 53 KB post: 3,000 `<b>`s reopened in each of 3,000 paragraphs.
    let reopened = |n: usize, k: usize| {
        format!(
            "<p>{}{}",
            (0..n).map(|i| format!("<b title={i}>")).collect::<String>(),
            "<p>x".repeat(k)
        )
    };
    assert!(check(&reopened(3000, 3000)).is_err());
    // Fewer than the depth allows, in more paragraphs (17 KB, 21 MB of HTML).
    assert!(
        refusal(&reopened(1000, 1000)).contains("reopen"),
        "{}",
        refusal(&reopened(1000, 1000))
    );
    // 10,000 × 10,000 (27 GB): refused as soon.
    assert!(check(&reopened(10_000, 10_000)).is_err());
    // A few reopened, as sloppy pages have them, are not.
    assert_eq!(check(&reopened(20, 1000)), Ok(()));
    let few = reopened(20, 1000);
    let tree = build(&few).expect("within bounds");
    let real = html5ever_tree(&few);
    assert!(tree.elements + 2 >= *real.elements.borrow());
}

#[test]
fn deep_nesting_and_many_attributes_are_refused() {
    assert!(refusal(&"<div>".repeat(400_000)).contains("nested more than 1024"));
    assert!(refusal(&"<span>x".repeat(2_000)).contains("nested"));
    assert_eq!(check(&"<div>x</div>".repeat(100_000)), Ok(()));
    let attributes: String = (0..200_000).map(|i| format!(" a{i}=1")).collect();
    assert!(refusal(&format!("<img src=x{attributes}>")).contains("attributes"));
    // Inside a comment or a script, they are text.
    assert_eq!(check(&format!("<!-- <img{attributes}> -->x")), Ok(()));
    assert_eq!(
        check(&format!("<script>{}</script>x", "<div>".repeat(5_000))),
        Ok(())
    );
    // Not inside an SVG `<style>`, which holds markup.
    assert!(check(&format!(
        "<svg><style>{}</style></svg>",
        "<g>".repeat(5_000)
    ))
    .is_err());
}

/// What old scraped pages hold: formatting elements never closed, the same ones in every
/// paragraph, unclosed cells, rows and list items, tables inside tables, inline scripts.
#[test]
fn sloppy_real_markup_is_not_refused() {
    let font_paragraphs =
        "<p><font face=\"Arial\" size=2>A paragraph of old news.\n".repeat(20_000);
    let colours: String = (0..300)
        .map(|i| format!("<p><font color=#{i:06x}>Colour {i}.</p>\n"))
        .collect();
    let bold_never_closed = "<b>Headline<br>\n<p>Text <i>slanted<p>More text\n".repeat(5_000);
    let table = format!(
        "<table><tr><td><font size=1>a<td>b<tr><td>c{}</table>",
        "<tr><td><b>x<td>y<td><table><td>inner</table>".repeat(5_000)
    );
    let lists = "<ul><li>one<li>two<li><b>three<ul><li>four</ul></ul>".repeat(5_000);
    let script = format!(
        "<script>for (var i = 0; i<n; i++) {{ if (a<b && c<d) x(); }}</script>{}",
        "<p>text".repeat(1_000)
    );
    let misnested = "<p><b>bold <i>both</b> italic</i> plain</p>\n".repeat(20_000);
    let spans = "<div><span><span>x</div>".repeat(20_000);
    for markup in [
        font_paragraphs,
        colours,
        bold_never_closed,
        table,
        lists,
        script,
        misnested,
        spans,
    ] {
        assert_eq!(
            check(&markup),
            Ok(()),
            "{}",
            &markup[..200.min(markup.len())]
        );
    }
}

const PIECES: &[&str] = &[
    "x",
    " ",
    "\n",
    "<p>",
    "</p>",
    "<b>",
    "</b>",
    "<b title=1>",
    "<b title=2>",
    "<i>",
    "</i>",
    "<font color=red>",
    "<font>",
    "</font>",
    "<a href=x>",
    "</a>",
    "<nobr>",
    "</nobr>",
    "<div>",
    "</div>",
    "<span>",
    "</span>",
    "<ul>",
    "<li>",
    "</li>",
    "</ul>",
    "<dl><dt>",
    "<dd>",
    "<table>",
    "</table>",
    "<tr>",
    "</tr>",
    "<td>",
    "</td>",
    "<th>",
    "<tbody>",
    "<caption>",
    "<h1>",
    "</h1>",
    "<h2>",
    "<button>",
    "</button>",
    "<form>",
    "</form>",
    "<select>",
    "<option>",
    "</select>",
    "<svg>",
    "</svg>",
    "<path/>",
    "<g>",
    "</g>",
    "<foreignObject>",
    "</foreignObject>",
    "<desc>",
    "<math>",
    "<mi>",
    "</math>",
    "<annotation-xml encoding=\"text/html\">",
    "<style>",
    "</style>",
    "<script>",
    "</script>",
    "<textarea>",
    "</textarea>",
    "<title>",
    "</title>",
    "<!--",
    "-->",
    "<template>",
    "</template>",
    "<object>",
    "</object>",
    "<marquee>",
    "<applet>",
    "<img>",
    "<br>",
    "</br>",
    "<hr>",
    "<input>",
    "<pre>",
    "<xmp>",
    "</xmp>",
    "<em>",
    "</em>",
    "<strong>",
    "</strong>",
    "<u>",
    "<s>",
    "<code>",
    "</code>",
    "<blockquote>",
    "</blockquote>",
    "<center>",
    "<plaintext>",
    "<x-y>",
    "</x-y>",
    "<div/>",
    "<col>",
    "<colgroup>",
    "<frameset>",
    "<body>",
    "</body>",
    "<html>",
    "<ruby><rt>",
    "<iframe>",
    "</iframe>",
    "<noscript>",
    "</noscript>",
    "<![CDATA[",
    "]]>",
    "<?x>",
    "</ x>",
    "<listing>",
    "<dd>",
    "<dt>",
    "</dd>",
    "<rb>",
    "<rtc>",
    "<rp>",
    "</ruby>",
    "<mglyph>",
    "<malignmark>",
    "<image>",
    "<keygen>",
    "<param>",
    "<frame>",
    "<head>",
    "<optgroup>",
    "</option>",
    "<noembed>",
    "</noembed>",
    "<noframes>",
    "</noframes>",
    "<search>",
    "<a href=y>",
    "<b title=3>",
    "<B>",
    "</B>",
    "<b title=\">\">",
    "</b foo=\">\">",
    "<!DOCTYPE html>",
    "</>",
    "<![CDATA[x]]>",
    "<!--<script>",
    "</script >",
    "<ScRiPt>",
    "<mtext>",
    "</mtext>",
    "<mi/>",
    "<font size=2>",
    "<font face=x>",
    "</font>",
    "<div title='a>b'>",
    "<p/>",
    "<i/>",
    "<table/>",
    "<li/>",
    "<svg/>",
    "<math/>",
    "<tbody>",
    "</tbody>",
    "</tr>",
    "<td>x",
    "<tr><td>",
    "</td></tr>",
    "</caption>",
    "</colgroup>",
    "<thead>",
    "<tfoot>",
    "</html>",
    "<input type=hidden>",
    "<input>",
    "</select>",
    "</template>",
    "<dialog>",
    "<details>",
    "<summary>",
    "</summary>",
    "<ol>",
    "</ol>",
    "<menu>",
    "<dir>",
    "<h3>",
    "</h6>",
    "<sub>",
    "<sup>",
    "<var>",
    "<ruby>",
    "<nobr>x",
    "<strike>",
    "<big>",
    "<small>",
    "<tt>",
];

/// On random markup, the pass's deepest stack and its count of elements are at least those
/// of html5ever's tree: what it bounds, html5ever cannot pass.
#[test]
fn the_pass_bounds_what_html5ever_builds() {
    // More rounds and another seed: `PARSE_LIMITS_ROUNDS=1000000 PARSE_LIMITS_SEED=7`.
    let setting = |name: &str, default: u64| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(setting("PARSE_LIMITS_SEED", 20261207));
    let rounds = setting("PARSE_LIMITS_ROUNDS", 20_000);
    // The fragment's `html` root and its context element.
    let made_for_nothing = *html5ever_tree("").elements.borrow();
    let real_elements = |real: &Counted| *real.elements.borrow() - made_for_nothing;
    let bounded = |pieces: &[&str]| {
        let markup: String = pieces.concat();
        let tree = build(&markup).expect("small markup is within bounds");
        let real = html5ever_tree(&markup);
        tree.most_depth + tree.removed_from_middle + 1 >= real.depth()
            && tree.elements >= real_elements(&real)
    };
    for _ in 0..rounds {
        let len = rng.gen_range(1..setting("PARSE_LIMITS_PIECES", 60));
        let mut pieces: Vec<&str> = (0..len)
            .map(|_| PIECES[rng.gen_range(0..PIECES.len())])
            .collect();
        if !bounded(&pieces) {
            // The smallest markup that shows it, for the message.
            let mut i = 0;
            while i < pieces.len() {
                let mut fewer = pieces.clone();
                fewer.remove(i);
                if bounded(&fewer) {
                    i += 1;
                } else {
                    pieces = fewer;
                }
            }
        }
        let markup: String = pieces.concat();
        let tree = build(&markup).expect("small markup is within bounds");
        let real = html5ever_tree(&markup);
        let real_depth = real.depth();
        let real_elements = real_elements(&real);
        assert!(
            tree.most_depth + tree.removed_from_middle + 1 >= real_depth,
            "depth {} < html5ever's {real_depth} for {markup:?}",
            tree.most_depth
        );
        assert!(
            tree.elements >= real_elements,
            "{} elements < html5ever's {real_elements} for {markup:?}",
            tree.elements
        );
    }
}

/// Any text, however broken, is read to its end: an answer, never a panic (the release
/// profile aborts on one).
#[test]
fn any_text_is_read_to_its_end() {
    let alphabet: Vec<char> = "<>/!-=\"' \n\tabptdrsvgmhl?[]CDAT&#;x".chars().collect();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1207);
    for _ in 0..20_000 {
        let len = rng.gen_range(0..200);
        let text: String = (0..len)
            .map(|_| alphabet[rng.gen_range(0..alphabet.len())])
            .collect();
        let _ = check(&text);
    }
}
