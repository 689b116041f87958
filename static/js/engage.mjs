// Starts GOV.UK Frontend's components (error summary focus, character counts, conditional
// reveals, menus...). Loaded as a module from the app's own origin: no inline script, as the CSP
// requires.
import { initAll } from '/vendor/govuk/govuk-frontend.min.js'

// GOV.UK Frontend's Radios sets aria-expanded on a radio that reveals content, which ARIA does
// not allow on a radio (axe-core: aria-allowed-attr, critical). The reveal itself stays GOV.UK's;
// the attribute is taken off as soon as it is set (aria-controls still links the two).
const stripExpanded = input => {
  if (input.type === 'radio' && input.hasAttribute('aria-expanded')) input.removeAttribute('aria-expanded')
}
new MutationObserver(changes => {
  for (const change of changes) stripExpanded(change.target)
}).observe(document.body, { subtree: true, attributes: true, attributeFilter: ['aria-expanded'] })

initAll()

// The survey form's follow-up questions drawn under an option are revealed only with
// JavaScript: say so to the server, which otherwise asks them on a page of their own.
for (const marker of document.querySelectorAll('input[data-engage-in-place]')) marker.value = 'yes'
