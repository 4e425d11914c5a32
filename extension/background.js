// The toolbar button opens the side panel; the panel (panel.js) holds the SDK client, so a login
// window taking the focus does not close it the way it would close a popup.
chrome.runtime.onInstalled.addListener(() => {
  chrome.sidePanel.setPanelBehavior({ openPanelOnActionClick: true }).catch((e) => console.warn('side panel:', e));
});
