// The page as the planner reads it: the DOM serialised from an inert copy
// (a document without a browsing context: no custom element upgrades, no
// image loads), with what serialisation alone would lose written into the
// copy's attributes:
//   - the values typed, checked and chosen (properties, not attributes), but
//     never a password;
//   - a control owned by a form it is not inside (a form opened in a table)
//     says so with a form attribute, which the planner understands.
(() => {
  const root = document.documentElement;
  const out = {href: location.href, title: document.title, ready: document.readyState, html: ''};
  if (!root) {
    return out;
  }
  const inert = document.implementation.createHTMLDocument('');
  const copy = inert.importNode(root, true);
  const orig = [root, ...root.querySelectorAll('*')];
  const dup = [copy, ...copy.querySelectorAll('*')];
  if (orig.length === dup.length) {
    const at = new Map(orig.map((el, i) => [el, i]));
    const owned = ['input', 'button', 'select', 'textarea', 'fieldset', 'output', 'object'];
    orig.forEach((el, i) => {
      const c = dup[i];
      switch (el.localName) {
        case 'input':
          if (el.type === 'password') {
            c.removeAttribute('value');
          } else if (el.type === 'checkbox' || el.type === 'radio') {
            el.checked ? c.setAttribute('checked', '') : c.removeAttribute('checked');
          } else if (el.type !== 'file') {
            c.setAttribute('value', el.value);
          }
          break;
        case 'textarea':
          c.textContent = el.value;
          break;
        case 'option':
          el.selected ? c.setAttribute('selected', '') : c.removeAttribute('selected');
          break;
      }
      const f = el.form;
      if (owned.includes(el.localName) && f instanceof HTMLFormElement && !f.contains(el) &&
          !el.hasAttribute('form') && at.has(f)) {
        const fc = dup[at.get(f)];
        if (!fc.id) {
          fc.id = 'implicitspec-form-' + at.get(f);
        }
        c.setAttribute('form', fc.id);
      }
    });
  }
  out.html = copy.outerHTML;
  return out;
})()
