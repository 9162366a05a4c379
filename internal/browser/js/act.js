// The person's hands. Each function takes a target (interact.DOMTarget as
// JSON) and returns "" when done, or why it could not.
({
  // find resolves a target by its selector, else by its rank among the
  // elements of its tag; it must have the tag and name the planner saw.
  find(t) {
    const fits = (e) => !!e && e.localName === t.Tag && (!t.Name || e.getAttribute('name') === t.Name);
    let el = null;
    try {
      el = document.querySelector(t.Selector);
    } catch (e) {
      el = null;
    }
    if (!fits(el)) {
      el = document.getElementsByTagName(t.Tag)[t.Index] || null;
    }
    return fits(el) ? el : null;
  },

  // fill gives a control its value as typing does: through the native
  // setter (a framework's controlled input tracks the property it
  // overrides), then input and change events that bubble.
  fill(t, value, check) {
    const el = this.find(t);
    if (!el) {
      return 'no element ' + t.Selector;
    }
    if (el.focus) {
      el.focus();
    }
    if (check) {
      if (!el.checked) {
        el.click();
      }
      return el.checked ? '' : 'could not check ' + t.Selector;
    }
    const proto = el instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype :
      el instanceof HTMLSelectElement ? HTMLSelectElement.prototype : HTMLInputElement.prototype;
    Object.getOwnPropertyDescriptor(proto, 'value').set.call(el, value);
    el.dispatchEvent(new Event('input', {bubbles: true}));
    el.dispatchEvent(new Event('change', {bubbles: true}));
    return '';
  },

  // click presses a control. A target attribute is dropped first: a new
  // window would load outside the agent.
  click(t) {
    const el = this.find(t);
    if (!el) {
      return 'no element ' + t.Selector;
    }
    if (el.disabled) {
      return 'disabled';
    }
    if (el.form) {
      el.form.removeAttribute('target');
    }
    el.removeAttribute('formtarget');
    el.click();
    return '';
  },

  // submit submits a form as pressing Enter does (its submit event runs).
  submit(t) {
    const f = this.find(t);
    if (!f) {
      return 'no element ' + t.Selector;
    }
    f.removeAttribute('target');
    if (f.requestSubmit) {
      f.requestSubmit();
    } else {
      f.submit();
    }
    return '';
  },

  // go navigates as a link or a script does, so that the page is the
  // Referer.
  go(url) {
    location.assign(url);
    return '';
  },
})
