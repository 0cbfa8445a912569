// A confusion matrix as a table: rows the true class, columns what was read, each row's
// accuracy at its end; a wrong cell with images is a button (onCell(label, predicted)) shaded
// by its share of the row. Used by "Where it fails" and by the studio after each epoch.
import { percent } from '../format.js';
import './confusion.css';


const cell = (tag, props) => Object.assign(document.createElement(tag), props);

/**
 * table: a <table>; evaluation: the core's ({ confusion, perClassAccuracy }); classes: the
 * model's class names; onCell: null for a matrix without buttons. Sets data-total (the sum).
 */
export function renderConfusion(table, evaluation, classes, caption, onCell) {
  const short = (k) => (classes[k].length > 2 ? 'not' : classes[k]);  // "not a digit" as "not"
  const head = document.createElement('tr');
  head.append(cell('th', { scope: 'col', textContent: 'true ↓ read →' }));
  classes.forEach((_, k) => head.append(cell('th', { scope: 'col', textContent: short(k), title: classes[k] })));
  head.append(cell('th', { scope: 'col', textContent: 'accuracy' }));
  const rows = evaluation.confusion.map((row, t) => {
    const tr = document.createElement('tr');
    tr.append(cell('th', { scope: 'row', textContent: short(t), title: classes[t] }));
    const total = row.reduce((a, b) => a + b, 0);
    row.forEach((count, p) => {
      const td = document.createElement('td');
      if (t === p) {
        td.className = 'confusion-right';
        td.textContent = String(count);
      } else if (count > 0) {
        td.className = 'confusion-wrong';
        td.style.backgroundColor = `rgba(214, 39, 40, ${(0.12 + 0.5 * Math.min(1, (count / Math.max(1, total)) * 10)).toFixed(2)})`;
        if (onCell) {
          const button = cell('button', { type: 'button', textContent: String(count) });
          button.setAttribute('aria-label', `${count} ${classes[t]} read as ${classes[p]}: show them`);
          button.addEventListener('click', () => onCell(t, p));
          td.append(button);
        } else {
          td.textContent = String(count);
        }
      }
      td.dataset.count = String(count);
      tr.append(td);
    });
    tr.append(cell('td', { className: 'confusion-accuracy', textContent: total ? percent(evaluation.perClassAccuracy[t]) : '—' }));
    return tr;
  });
  table.replaceChildren(cell('caption', { textContent: caption }), head, ...rows);
  table.dataset.total = String(evaluation.confusion.flat().reduce((a, b) => a + b, 0));
}
