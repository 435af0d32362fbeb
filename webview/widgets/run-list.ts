/**
 * The run list of both views: filter by name, tick runs to compare or delete them, and a menu
 * per run (Compare with…, Rename…, Reveal folder, Open config, Delete). A folder whose run.json
 * cannot be read is listed too, by its folder and the reason, with Reveal folder and Delete only. The host does the
 * work (and asks for names and confirmations); the list only sends what was asked.
 */
import type { RunSummary } from '../../src/shared/results';

export interface RunListActions {
  open(id: string): void;
  compare(ids: string[]): void;
  compareWith(id: string): void;
  rename(id: string): void;
  remove(ids: string[]): void;
  reveal(id: string): void;
  openConfig(id: string): void;
  /** The ticked runs or the filter changed (the view state keeps them). */
  changed(ticked: string[], filter: string): void;
}

export interface RunListState {
  runs: RunSummary[];
  currentId?: string;
  ticked: string[];
  filter: string;
  /** Ids of the runs being compared. */
  compared: string[];
}

function button(text: string, title: string, onClick: () => void): HTMLElement {
  const element = document.createElement('vscode-button');
  element.setAttribute('secondary', '');
  element.textContent = text;
  element.title = title;
  element.addEventListener('click', onClick);
  return element;
}

/** Whether a run's name (or folder) holds every word of the filter, case-insensitively. */
export function matchesFilter(run: RunSummary, filter: string): boolean {
  const text = `${run.name} ${run.id}`.toLowerCase();
  return filter.toLowerCase().split(/\s+/).filter(Boolean).every((word) => text.includes(word));
}

export class RunList {
  readonly element: HTMLDetailsElement;
  private readonly summary: HTMLElement;
  private readonly filterInput: HTMLInputElement;
  private readonly compareButton: HTMLElement;
  private readonly deleteButton: HTMLElement;
  private readonly list: HTMLUListElement;
  private state: RunListState = { runs: [], ticked: [], filter: '', compared: [] };

  constructor(private readonly actions: RunListActions, open: boolean) {
    this.element = document.createElement('details');
    this.element.id = 'history';
    this.element.open = open;
    this.summary = document.createElement('summary');
    const tools = document.createElement('div');
    tools.className = 'run-tools';
    this.filterInput = document.createElement('input');
    this.filterInput.type = 'search';
    this.filterInput.placeholder = 'Filter runs by name';
    this.filterInput.setAttribute('aria-label', 'Filter runs by name');
    this.filterInput.addEventListener('input', () => {
      this.state.filter = this.filterInput.value;
      this.actions.changed(this.state.ticked, this.state.filter);
      this.renderItems();
    });
    this.compareButton = button('Compare', 'Compare the ticked runs on the same charts', () => this.actions.compare(this.ticked()));
    this.compareButton.id = 'compare-ticked';
    this.deleteButton = button('Delete', 'Move the ticked runs to the trash (asks first)', () => this.actions.remove(this.ticked()));
    this.deleteButton.id = 'delete-ticked';
    tools.append(this.filterInput, this.compareButton, this.deleteButton);
    this.list = document.createElement('ul');
    this.list.className = 'runs';
    this.element.append(this.summary, tools, this.list);
  }

  /** Ticked runs that still exist. */
  private ticked(): string[] {
    const known = new Set(this.state.runs.map((run) => run.id));
    return this.state.ticked.filter((id) => known.has(id));
  }

  update(state: RunListState): void {
    this.state = { ...state, ticked: [...state.ticked] };
    if (this.filterInput.value !== state.filter && document.activeElement !== this.filterInput) this.filterInput.value = state.filter;
    this.element.hidden = state.runs.length === 0;
    this.renderItems();
  }

  private renderItems(): void {
    const { runs, currentId, filter, compared } = this.state;
    const shown = runs.filter((run) => matchesFilter(run, filter));
    this.summary.textContent = filter ? `Runs (${shown.length} of ${runs.length})` : `Runs (${runs.length})`;
    const ticked = this.ticked();
    this.compareButton.textContent = `Compare (${ticked.length})`;
    this.compareButton.toggleAttribute('disabled', ticked.length < 2);
    this.deleteButton.textContent = `Delete (${ticked.length})`;
    this.deleteButton.toggleAttribute('disabled', ticked.length === 0);
    // Redrawing the list must not lose the keyboard's place: the control that had focus (a
    // run's box ticked with Space, its link, its menu) gets it back in the redrawn item.
    const focused = this.focusedControl();
    this.list.replaceChildren(...shown.map((run) => this.item(run, run.id === currentId && compared.length === 0, compared.includes(run.id), ticked.includes(run.id))));
    if (focused) {
      const item = [...this.list.querySelectorAll<HTMLElement>('li[data-run]')].find((entry) => entry.dataset.run === focused.run);
      const control = item ? focusableIn(item)[focused.index] : undefined;
      control?.focus();
    }
  }

  /** The run and the position among its item's focusable controls of what has focus in the list, if anything does. */
  private focusedControl(): { run: string; index: number } | undefined {
    const active = document.activeElement;
    if (!(active instanceof HTMLElement) || !this.list.contains(active)) return undefined;
    const item = active.closest<HTMLElement>('li[data-run]');
    const run = item?.dataset.run;
    if (!item || run === undefined) return undefined;
    const index = focusableIn(item).indexOf(active);
    return index < 0 ? undefined : { run, index };
  }

  private item(run: RunSummary, current: boolean, inComparison: boolean, ticked: boolean): HTMLLIElement {
    if (run.unreadable !== undefined) return this.unreadableItem(run);
    const item = document.createElement('li');
    item.dataset.run = run.id;
    item.classList.toggle('current', current);
    item.classList.toggle('compared', inComparison);
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.checked = ticked;
    box.setAttribute('aria-label', `Tick ${run.name} to compare or delete it`);
    box.disabled = run.status === 'running';
    box.addEventListener('change', () => {
      const rest = this.state.ticked.filter((id) => id !== run.id);
      this.state.ticked = box.checked ? [...rest, run.id] : rest;
      this.actions.changed(this.state.ticked, this.state.filter);
      this.renderItems();
    });
    const link = document.createElement('a');
    link.href = '#';
    link.className = 'run-link';
    link.textContent = run.name;
    link.title = `Show ${run.name} (${run.id})`;
    link.addEventListener('click', (event) => {
      event.preventDefault();
      this.actions.open(run.id);
    });
    const detail = document.createElement('span');
    detail.className = `run-detail status-${run.status}`;
    detail.textContent = `${run.status} · ${run.startedAt ? new Date(run.startedAt).toLocaleString() : run.id}`;
    const { menu, entries } = runMenu(run.name);
    const entry = menuEntry(menu);
    entries.append(
      entry('Compare with…', () => this.actions.compareWith(run.id)),
      entry('Rename…', () => this.actions.rename(run.id)),
      entry('Reveal folder', () => this.actions.reveal(run.id)),
      entry('Open config', () => this.actions.openConfig(run.id)),
      entry('Delete…', () => this.actions.remove([run.id])),
    );
    if (run.status === 'running') menu.hidden = true;
    const text = document.createElement('span');
    text.className = 'run-text';
    text.append(link, detail);
    item.append(box, text, menu);
    return item;
  }

  /**
   * A folder whose run.json cannot be read: named by its folder with the reason, never opened as a
   * run (nor ticked to compare); its menu reveals the folder (to mend or remove run.json) or deletes it.
   */
  private unreadableItem(run: RunSummary): HTMLLIElement {
    const item = document.createElement('li');
    item.dataset.run = run.id;
    item.classList.add('unreadable');
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.disabled = true;
    box.setAttribute('aria-label', `${run.id} cannot be ticked: its run.json is unreadable`);
    const label = document.createElement('span');
    label.className = 'run-unreadable';
    label.textContent = `${run.id}: unreadable run.json: ${run.unreadable ?? ''}`;
    label.title = `${run.id}/run.json cannot be read (${run.unreadable ?? ''}). Reveal the folder to mend or remove it.`;
    const detail = document.createElement('span');
    detail.className = 'run-detail status-failed';
    detail.textContent = 'cannot be opened: reveal the folder to mend or remove run.json';
    const { menu, entries } = runMenu(run.id);
    const entry = menuEntry(menu);
    entries.append(entry('Reveal folder', () => this.actions.reveal(run.id)), entry('Delete…', () => this.actions.remove([run.id])));
    const text = document.createElement('span');
    text.className = 'run-text';
    text.append(label, detail);
    item.append(box, text, menu);
    return item;
  }
}

/** A run's ⋯ menu, empty: its entries go in `entries`. */
function runMenu(name: string): { menu: HTMLDetailsElement; entries: HTMLElement } {
  const menu = document.createElement('details');
  menu.className = 'run-menu';
  const opener = document.createElement('summary');
  opener.textContent = '⋯';
  opener.title = 'Run actions';
  opener.setAttribute('aria-label', `Actions for ${name}`);
  const entries = document.createElement('div');
  entries.className = 'menu';
  menu.append(opener, entries);
  // Escape closes the menu and gives the keyboard back to its opener; Tab past the last entry
  // (or a click elsewhere) closes it too, as a menu does.
  menu.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape' || !menu.open) return;
    event.preventDefault();
    menu.open = false;
    opener.focus();
  });
  menu.addEventListener('focusout', (event) => {
    if (menu.open && !(event.relatedTarget instanceof Node && menu.contains(event.relatedTarget))) menu.open = false;
  });
  return { menu, entries };
}

/** Makes the entries of `menu`: a button that closes the menu and acts; `data-action` names it for tests. */
function menuEntry(menu: HTMLDetailsElement): (text: string, action: () => void) => HTMLElement {
  return (text, action) => {
    const element = button(text, text, () => {
      menu.open = false;
      // The entry hides with the menu: the keyboard goes back to the menu's opener.
      menu.querySelector('summary')?.focus();
      action();
    });
    element.dataset.action = text.replace(/[…\s]+/g, '-').toLowerCase().replace(/-$/, '');
    return element;
  };
}

/** The controls of a run's item that take focus, in document order. */
function focusableIn(item: HTMLElement): HTMLElement[] {
  return [...item.querySelectorAll<HTMLElement>('input, a[href], button, vscode-button, [tabindex]')];
}
