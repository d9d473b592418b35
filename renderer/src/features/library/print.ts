/**
 * Printing one part of the screen: the element marked `.sila-print-area` is printed alone
 * (the app's navigation and everything else are hidden by print.css while the class is set).
 */
import './print.css';

export function printArea(element: HTMLElement): void {
  element.classList.add('sila-print-area');
  document.body.classList.add('sila-printing');
  const done = () => {
    element.classList.remove('sila-print-area');
    document.body.classList.remove('sila-printing');
    window.removeEventListener('afterprint', done);
  };
  window.addEventListener('afterprint', done);
  window.print();
  // Browsers that print synchronously (and test runs) have already finished here.
  window.setTimeout(done, 1000);
}
