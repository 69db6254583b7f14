// Proves the script of this release ran: the marker names the release that built this file.
const release = "v1";
const marker = document.getElementById("marker");
marker.textContent = `release ${release}`;
marker.dataset.release = release;
