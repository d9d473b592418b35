/**
 * Printing one part of the screen: a copy of the element is placed at the top of the page and
 * printed alone (print.css hides everything else while `sila-printing` is set). A copy, not the
 * element itself: inside a dialog, the dialog's scrolling box would cut the original on paper.
 */
import './print.css';

export function printArea(element: HTMLElement): void {
  const copy = element.cloneNode(true) as HTMLElement;
  copy.classList.add('sila-print-area');
  copy.removeAttribute('id');
  copy.setAttribute('aria-hidden', 'true');
  document.body.appendChild(copy);
  document.body.classList.add('sila-printing');
  const done = () => {
    copy.remove();
    document.body.classList.remove('sila-printing');
    window.removeEventListener('afterprint', done);
  };
  window.addEventListener('afterprint', done);
  window.print();
  // Browsers that print synchronously (and test runs) have already finished here.
  window.setTimeout(done, 1000);
}
