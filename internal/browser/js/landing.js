// What the client's page shows a script once it has loaded: its address
// (fragment included), what it published for the harness, its title.
(() => {
  let published = '';
  try {
    if (typeof window.__implicitspec !== 'undefined') {
      published = JSON.stringify(window.__implicitspec) || '';
    }
  } catch (e) {
    published = '';
  }
  return {href: location.href, title: document.title, published: published};
})()
