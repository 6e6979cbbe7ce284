//! The last line of defence: if the app ever panics, replace the page with a readable panel
//! and a reload button instead of leaving a frozen or blank page. Built with `textContent`
//! only, so a panic message can never inject markup.

use wasm_bindgen::JsCast;

pub fn install() {
    std::panic::set_hook(Box::new(|info| {
        let message = info.to_string();
        gloo::console::error!(format!("Gazette panicked: {message}"));
        let _ = show(&message);
    }));
}

fn show(message: &str) -> Option<()> {
    let document = web_sys::window()?.document()?;
    let body = document.body()?;
    body.set_text_content(None);
    let panel = document.create_element("main").ok()?;
    panel.set_class_name("error-panel fatal");
    panel.set_attribute("role", "alert").ok()?;
    let title = document.create_element("h1").ok()?;
    title.set_text_content(Some("页面出错了 · Gazette stopped"));
    let detail = document.create_element("pre").ok()?;
    detail.set_text_content(Some(message));
    let hint = document.create_element("p").ok()?;
    hint.set_text_content(Some("这是 Gazette 的缺陷，不是你的操作造成的。请重新加载页面；如果问题重复出现，请附上上面的信息报告。"));
    let button: web_sys::HtmlElement = document.create_element("button").ok()?.dyn_into().ok()?;
    button.set_text_content(Some("重新加载 Reload"));
    // A listener, not an `onclick` attribute: inline handlers are forbidden by the page's CSP.
    gloo::events::EventListener::new(&button, "click", |_| {
        if let Some(window) = web_sys::window() {
            let _ = window.location().reload();
        }
    })
    .forget();
    for child in [&title, &detail, &hint] {
        panel.append_child(child).ok()?;
    }
    panel.append_child(&button).ok()?;
    body.append_child(&panel).ok()?;
    Some(())
}
