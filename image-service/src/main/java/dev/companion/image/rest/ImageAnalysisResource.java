package dev.companion.image.rest;

import dev.companion.image.rest.dto.AnalysisView;
import dev.companion.common.security.RequiresScope;
import dev.companion.common.security.Scopes;
import dev.companion.common.api.ApiResponse;
import dev.companion.image.service.AnalysisService;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import dev.companion.common.client.OwnerLookup;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

/** Seed "Analyze Image": multipart with an image file (or imageId), question, chatId and options (JSON). */
@RequiresScope(Scopes.IMAGES)
@Path("/v1/images/analyze")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class ImageAnalysisResource {

    private final AnalysisService analysis;
    private final JsonWebToken jwt;

    public ImageAnalysisResource(AnalysisService analysis, JsonWebToken jwt) {
        this.analysis = analysis;
        this.jwt = jwt;
    }

    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    public Uni<ApiResponse<AnalysisView>> analyze(@RestForm("image") FileUpload image,
                                                                 @RestForm("imageId") String imageId,
                                                                 @RestForm("question") String question,
                                                                 @RestForm("chatId") String chatId,
                                                                 @RestForm("options") String options) {
        AnalysisService.Upload upload = image == null ? null : new AnalysisService.Upload(image.uploadedFile(), image.size());
        return analysis.analyze(jwt.getSubject(), upload, imageId, question, chatId, options, OwnerLookup.bearer(jwt))
                .map(ImageAnalysisResource::view).map(ApiResponse::ok);
    }

    private static AnalysisView view(AnalysisService.Result r) {
        AnalysisService.Analysis a = r.analysis();
        return new AnalysisView(r.id(), r.imageId(), r.provider(),
                a == null ? null : new AnalysisView.Analysis(a.description(), a.structuredData(), a.confidence()));
    }
}
