package dev.companion.download.repository;

import dev.companion.download.model.DownloadFile;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Collection;
import java.util.List;

@ApplicationScoped
public class DownloadFileRepository implements PanacheRepositoryBase<DownloadFile, DownloadFile.Key> {

    public Uni<List<DownloadFile>> ofDownload(String downloadId) {
        return list("downloadId", Sort.ascending("position"), downloadId);
    }

    public Uni<List<DownloadFile>> ofDownloads(Collection<String> downloadIds) {
        return list("downloadId in ?1", downloadIds);
    }
}
